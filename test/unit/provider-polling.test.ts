import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createProviderActivities, type ProviderVerdict } from '../../activities/provider.activities.js';
import { createVexoraClient } from '../../activities/vexora.client.js';
import { buildVexoraSimulator } from '../../simulators/vexora.simulator.js';

const merchantNo = 'M-POLL';
const appSecret = 'polling-test-secret';
const fastPolicy = { initialPollMs: 10, maxPollMs: 40, deadlineMs: 60_000, underReviewMaxMs: 60_000 };

/** The polling activity against the Vexora simulator over HTTP, in a mock activity context. */
describe('provider check: polling Vexora with backoff and heartbeats', () => {
  const sim = buildVexoraSimulator({ merchantNo, appSecret });
  let activities: ReturnType<typeof createProviderActivities>;
  before(async () => {
    const baseUrl = await sim.listen({ host: '127.0.0.1', port: 0 });
    activities = createProviderActivities(createVexoraClient({ baseUrl, merchantNo, appSecret, timeoutMs: 2_000 }));
  });
  after(() => sim.close());

  const script = (scenario: object) =>
    fetch(`${sim.listeningOrigin}/_simulator/vexora/scenarios`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(scenario) });
  const decide = (userId: string, policy = fastPolicy, env = new MockActivityEnvironment()): Promise<ProviderVerdict> =>
    env.run(activities.awaitProviderDecision, { userId, policy, startedAt: new Date().toISOString() });

  it('approves after several "under review" polls', async () => {
    await script({ userId: 'p-approve', outcome: 'approve', afterPolls: 3 });
    await activities.submitToProvider({ userId: 'p-approve' });
    const heartbeats: unknown[] = [];
    const env = new MockActivityEnvironment();
    env.on('heartbeat', (d) => heartbeats.push(d));
    assert.deepEqual(await decide('p-approve', fastPolicy, env), { outcome: 'APPROVED', polls: 4 });
    assert.ok(heartbeats.length > 4, 'heartbeats while waiting');
  });

  it('passes the rejection reason on', async () => {
    await script({ userId: 'p-reject', outcome: 'reject', failReason: 'name mismatch' });
    await activities.submitToProvider({ userId: 'p-reject' });
    assert.deepEqual(await decide('p-reject'), { outcome: 'REJECTED', failReason: 'name mismatch', polls: 1 });
  });

  it('throws on a provider outage (the retry policy retries) and resumes from its heartbeat', async () => {
    await script({ userId: 'p-outage', outcome: 'approve', afterPolls: 1, errorPolls: 1 });
    await activities.submitToProvider({ userId: 'p-outage' });
    let last: unknown;
    const first = new MockActivityEnvironment();
    first.on('heartbeat', (d) => (last = d));
    await assert.rejects(decide('p-outage', fastPolicy, first), /HTTP 500/);
    const retry = new MockActivityEnvironment({ heartbeatDetails: last });
    const verdict = await decide('p-outage', fastPolicy, retry);
    assert.equal(verdict.outcome, 'APPROVED');
  });

  it('gives up at the deadline, or when "under review" lasts too long', async () => {
    await script({ userId: 'p-slow', outcome: 'review' });
    await activities.submitToProvider({ userId: 'p-slow' });
    assert.equal((await decide('p-slow', { ...fastPolicy, underReviewMaxMs: 50 })).outcome, 'UNDER_REVIEW_TOO_LONG');
    assert.equal((await decide('p-slow', { ...fastPolicy, deadlineMs: 80 })).outcome, 'DEADLINE');
  });

  it('a signing mistake is permanent, not retried', async () => {
    const wrong = createProviderActivities(createVexoraClient({ baseUrl: sim.listeningOrigin, merchantNo, appSecret: 'wrong-secret-xx', timeoutMs: 2_000 }));
    await assert.rejects(new MockActivityEnvironment().run(wrong.submitToProvider, { userId: 'p-x' }), (err: any) => err.type === 'VexoraRejected' && err.nonRetryable === true);
  });
});
