import { activityInfo, ApplicationFailure, heartbeat, sleep } from '@temporalio/activity';
import type { ProviderPolicy } from '../domain/kyc-profile.js';
import { VexoraAuthStatus } from '../domain/vexora.js';
import { VexoraRejected, type VexoraClient } from './vexora.client.js';

export type ProviderVerdict =
  | { outcome: 'APPROVED'; polls: number }
  | { outcome: 'REJECTED'; failReason: string; polls: number }
  | { outcome: 'DEADLINE' | 'UNDER_REVIEW_TOO_LONG'; polls: number };

/** Polling state kept in heartbeats, so a retried or moved activity resumes instead of starting over. */
interface PollState {
  delayMs: number;
  polls: number;
  underReviewSince: number | null;
}

const HEARTBEAT_EVERY_MS = 5_000;

/**
 * The provider check. Polling lives in one long activity with heartbeats (not in the workflow),
 * so history stays the same size however long the provider takes. Provider errors throw and are
 * retried by the activity's retry policy, resuming from the last heartbeat.
 */
export function createProviderActivities(vexora: VexoraClient) {
  const permanent = (err: unknown): never => {
    if (err instanceof VexoraRejected) throw ApplicationFailure.nonRetryable(err.message, 'VexoraRejected');
    throw err;
  };

  return {
    async submitToProvider({ userId }: { userId: string }): Promise<void> {
      await vexora.apply(userId).catch(permanent);
    },

    async awaitProviderDecision({ userId, policy, startedAt }: { userId: string; policy: ProviderPolicy; startedAt: string }): Promise<ProviderVerdict> {
      const deadline = Date.parse(startedAt) + policy.deadlineMs;
      const state: PollState = (activityInfo().heartbeatDetails as PollState | undefined) ?? { delayMs: policy.initialPollMs, polls: 0, underReviewSince: null };
      for (;;) {
        await waitWithHeartbeats(Math.min(state.delayMs, Math.max(deadline - Date.now(), 0)), state);
        if (Date.now() >= deadline) return { outcome: 'DEADLINE', polls: state.polls };
        const { authenticationStatus, failReason } = await vexora.queryStatus(userId).catch(permanent);
        state.polls += 1;
        if (authenticationStatus === VexoraAuthStatus.APPROVED) return { outcome: 'APPROVED', polls: state.polls };
        if (authenticationStatus === VexoraAuthStatus.REJECTED) return { outcome: 'REJECTED', failReason: failReason ?? 'rejected by the KYC provider', polls: state.polls };
        if (authenticationStatus === VexoraAuthStatus.UNDER_REVIEW) {
          state.underReviewSince ??= Date.now();
          if (Date.now() - state.underReviewSince > policy.underReviewMaxMs) return { outcome: 'UNDER_REVIEW_TOO_LONG', polls: state.polls };
        }
        state.delayMs = Math.min(state.delayMs * 2, policy.maxPollMs);
        heartbeat(state);
      }
    },
  };
}

export type ProviderActivities = ReturnType<typeof createProviderActivities>;

async function waitWithHeartbeats(ms: number, state: PollState): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    heartbeat(state);
    await sleep(Math.min(HEARTBEAT_EVERY_MS, until - Date.now()));
  }
  heartbeat(state);
}
