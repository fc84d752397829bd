import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { readFileSync } from 'node:fs';
import type { SaveKycProfileInput } from '../../activities/read-model.activities.js';
import type { KycStatusDto } from '../../domain/kyc-profile.js';
import { getStatusQuery } from '../../workflows/kyc-profile.messages.js';
import { kycProfileWorkflow } from '../../workflows/kyc-profile.workflow.js';
import { recordHistory } from '../helpers/histories.js';
import { createTimeSkippingEnv, skipWithoutTimeSkipping } from '../helpers/time-skipping.js';

describe('kycProfileWorkflow (time-skipping test server)', { skip: skipWithoutTimeSkipping, timeout: 60_000 }, () => {
  let env: TestWorkflowEnvironment;
  before(async () => {
    env = await createTimeSkippingEnv();
  });
  after(async () => env?.teardown());

  it('starts in DOCUMENT, publishes its read model, and expires when the TTL passes unfinished', async () => {
    const saved: SaveKycProfileInput[] = [];
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: 'wf-test',
      workflowBundle: { code: readFileSync(process.env.KYCFLOW_WORKFLOW_BUNDLE!, 'utf8') },
      activities: { saveKycProfile: async (input: SaveKycProfileInput) => void saved.push(structuredClone(input)), deliverWebhook: async () => undefined },
    });
    const input = { profileId: 'profile_aaaaaaaaaaaaaaaaaaaaaaaa', userId: 'u1', country: 'SG', ttlMs: 30 * 24 * 3_600_000 };
    const result = await worker.runUntil(async () => {
      const handle = await env.client.workflow.start(kycProfileWorkflow, { workflowId: 'kyc-profile:test-ttl', taskQueue: 'wf-test', args: [input] });
      const early: KycStatusDto = await handle.query(getStatusQuery);
      assert.equal(early.stage, 'DOCUMENT');
      assert.equal(early.status, 'pending_submit');
      const final = await handle.result(); // the server skips the 30 days of waiting
      await recordHistory('kyc-profile.expired', handle.fetchHistory());
      return final;
    });
    assert.equal(result.stage, 'EXPIRED');
    assert.equal(result.status, 'not_completed');
    assert.deepEqual(saved.map((s) => [s.version, s.status.stage, s.final]), [[1, 'DOCUMENT', false], [2, 'EXPIRED', true]]);
    const elapsed = Date.parse(result.updatedAt) - Date.parse(result.createdAt);
    assert.ok(elapsed >= input.ttlMs, `expired after ${elapsed} ms of workflow time`);
  });
});
