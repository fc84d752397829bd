import { proxyActivities } from '@temporalio/workflow';
import type { ProviderActivities } from '../../activities/provider.activities.js';
import { DEFAULT_PROVIDER_POLICY, type KycStatusDto, type ProviderPolicy } from '../../domain/kyc-profile.js';
import type { KycStage } from '../../domain/kyc-stage.js';

const { submitToProvider } = proxyActivities<ProviderActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes', nonRetryableErrorTypes: ['VexoraRejected'] },
});

export interface ProviderContext {
  status: KycStatusDto;
  moveTo(stage: KycStage): Promise<void>;
  now(): string;
}

/**
 * Vexora's check, after the internal checks passed: submit, then wait for its decision (polled
 * with backoff inside one heartbeating activity). Approved or rejected ends the profile; a
 * deadline or a review that takes too long goes to manual review.
 */
export async function runProviderCheck(ctx: ProviderContext, policy: ProviderPolicy = DEFAULT_PROVIDER_POLICY): Promise<void> {
  const { awaitProviderDecision } = proxyActivities<ProviderActivities>({
    startToCloseTimeout: policy.deadlineMs + 3_600_000,
    heartbeatTimeout: '1 minute',
    retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes', nonRetryableErrorTypes: ['VexoraRejected'] },
  });
  const startedAt = ctx.now();
  ctx.status.provider = { name: 'vexora', submittedAt: startedAt, decidedAt: null, outcome: null, polls: 0 };
  await submitToProvider({ userId: ctx.status.userId });
  const verdict = await awaitProviderDecision({ userId: ctx.status.userId, policy, startedAt });
  ctx.status.provider = { ...ctx.status.provider, decidedAt: ctx.now(), outcome: verdict.outcome, polls: verdict.polls };
  if (verdict.outcome === 'APPROVED') return ctx.moveTo('APPROVED');
  if (verdict.outcome === 'REJECTED') {
    ctx.status.failReason = verdict.failReason;
    return ctx.moveTo('REJECTED');
  }
  ctx.status.reviewReasons = [verdict.outcome === 'DEADLINE' ? 'the KYC provider did not decide in time' : 'the KYC provider kept the case under review too long'];
  return ctx.moveTo('MANUAL_REVIEW');
}
