import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Client, Connection, ScheduleNotFoundError } from '@temporalio/client';
import { loadConfig } from '../../config/config.js';
import { RETENTION_SCHEDULE_ID } from '../../domain/data-protection.js';
import { ensureRetentionSchedule } from '../../erasure/retention-schedule.js';
import { requireStackEnv } from '../helpers/app-under-test.js';

/** The worker keeps the sweep's Temporal Schedule in line with the settings (real Temporal server). */
describe('retention sweep schedule', { timeout: 60_000 }, () => {
  let connection: Connection;
  let client: Client;
  before(async () => {
    requireStackEnv();
    connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS! });
    client = new Client({ connection });
  });
  after(async () => {
    await client?.schedule.getHandle(RETENTION_SCHEDULE_ID).delete().catch(() => undefined);
    await connection?.close();
  });

  const settings = (env: Record<string, string> = {}) => loadConfig({ TEMPORAL_TASK_QUEUE: 'schedule-test', ...env });
  const describeSchedule = () => client.schedule.getHandle(RETENTION_SCHEDULE_ID).describe();

  it('creates the daily schedule with the policy as the sweep input, one run at a time', async () => {
    assert.equal(await ensureRetentionSchedule(client, settings()), 'created');
    const schedule = await describeSchedule();
    assert.equal(schedule.action.type, 'startWorkflow');
    assert.equal(schedule.action.workflowType, 'retentionSweepWorkflow');
    assert.equal(schedule.action.taskQueue, 'schedule-test');
    assert.deepEqual(schedule.action.args, [{ policy: { unsuccessfulDays: 90, approvedYears: 5, filesDays: 90 }, dryRun: false, pageSize: 100 }]);
    assert.equal(schedule.policies.overlap, 'SKIP');
    assert.ok((schedule.info.nextActionTimes[0]?.getTime() ?? 0) - Date.now() <= 86_400_000, 'runs within a day');
  });

  it('updates it when the settings change (a new policy applies from the next run)', async () => {
    assert.equal(await ensureRetentionSchedule(client, settings({ RETENTION_UNSUCCESSFUL_DAYS: '30', RETENTION_SWEEP_DRY_RUN: 'true', RETENTION_SWEEP_CRON: '0 4 * * *' })), 'updated');
    const schedule = await describeSchedule();
    assert.deepEqual(schedule.action.args, [{ policy: { unsuccessfulDays: 30, approvedYears: 5, filesDays: 90 }, dryRun: true, pageSize: 100 }]);
    assert.equal(schedule.info.nextActionTimes[0]?.getUTCHours(), 4);
  });

  it('removes it when the sweep is disabled', async () => {
    assert.equal(await ensureRetentionSchedule(client, settings({ RETENTION_SWEEP_ENABLED: 'false' })), 'deleted');
    await assert.rejects(describeSchedule(), ScheduleNotFoundError);
    assert.equal(await ensureRetentionSchedule(client, settings({ RETENTION_SWEEP_ENABLED: 'false' })), 'absent');
  });
});
