import { ScheduleAlreadyRunning, ScheduleNotFoundError, type Client, type ScheduleOptionsStartWorkflowAction } from '@temporalio/client';
import type { Config } from '../config/config.js';
import { RETENTION_SCHEDULE_ID, type RetentionSweepInput } from '../domain/data-protection.js';
import type { retentionSweepWorkflow } from '../workflows/retention-sweep.workflow.js';

export type RetentionSettings = Pick<
  Config,
  | 'TEMPORAL_TASK_QUEUE'
  | 'RETENTION_UNSUCCESSFUL_DAYS'
  | 'RETENTION_APPROVED_YEARS'
  | 'RETENTION_FILES_DAYS'
  | 'RETENTION_SWEEP_ENABLED'
  | 'RETENTION_SWEEP_CRON'
  | 'RETENTION_SWEEP_DRY_RUN'
  | 'RETENTION_SWEEP_PAGE_SIZE'
>;

export const retentionSweepInput = (config: RetentionSettings): RetentionSweepInput => ({
  policy: { unsuccessfulDays: config.RETENTION_UNSUCCESSFUL_DAYS, approvedYears: config.RETENTION_APPROVED_YEARS, filesDays: config.RETENTION_FILES_DAYS },
  dryRun: config.RETENTION_SWEEP_DRY_RUN,
  pageSize: config.RETENTION_SWEEP_PAGE_SIZE,
});

/**
 * Keeps the Temporal Schedule that runs the retention sweep in line with the settings: created
 * when missing, updated when it exists (so a changed policy applies from the next run), deleted
 * when the sweep is disabled. One sweep at a time: a run still going when the next is due skips it.
 */
export async function ensureRetentionSchedule(client: Client, config: RetentionSettings): Promise<'created' | 'updated' | 'deleted' | 'absent'> {
  const handle = client.schedule.getHandle(RETENTION_SCHEDULE_ID);
  if (!config.RETENTION_SWEEP_ENABLED) {
    try {
      await handle.delete();
      return 'deleted';
    } catch (err) {
      if (err instanceof ScheduleNotFoundError) return 'absent';
      throw err;
    }
  }
  const action: ScheduleOptionsStartWorkflowAction<typeof retentionSweepWorkflow> = {
    type: 'startWorkflow',
    workflowType: 'retentionSweepWorkflow',
    workflowId: 'retention-sweep', // the schedule appends the run's time
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    args: [retentionSweepInput(config)],
  };
  const spec = { cronExpressions: [config.RETENTION_SWEEP_CRON] };
  const policies = { overlap: 'SKIP' as const, catchupWindow: '1 day' };
  try {
    await client.schedule.create({ scheduleId: RETENTION_SCHEDULE_ID, spec, action, policies });
    return 'created';
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
  await handle.update((previous) => ({ ...previous, spec, action, policies: { ...previous.policies, ...policies } }));
  return 'updated';
}
