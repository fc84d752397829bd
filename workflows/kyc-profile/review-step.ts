import { setHandler } from '@temporalio/workflow';
import { ADMIN_DECISIONS, decisionRefusal, type KycStatusDto } from '../../domain/kyc-profile.js';
import type { KycStage } from '../../domain/kyc-stage.js';
import { adminDecisionSignal } from '../kyc-profile.messages.js';

export interface ReviewContext {
  status: KycStatusDto;
  moveTo(stage: KycStage): Promise<void>;
  notifyDecision(decision: KycStatusDto['decisions'][number]): void;
  now(): string;
}

/**
 * Admin decisions arrive as signals. The API refuses decisions that do not fit the stage before
 * sending them; one that still does not fit (a race) is ignored here, so state never goes wrong.
 */
export function registerReviewStep(ctx: ReviewContext): void {
  setHandler(adminDecisionSignal, async ({ adminId, status, remark }) => {
    if (decisionRefusal(ctx.status.stage, status)) return;
    const decision = { adminId, status, remark, at: ctx.now() };
    ctx.status.decisions.push(decision);
    ctx.notifyDecision(decision);
    if (status === ADMIN_DECISIONS.RESET) {
      ctx.status.failReason = null;
      ctx.status.reviewReasons = [`reset to review by ${adminId}${remark ? `: ${remark}` : ''}`];
      return ctx.moveTo('MANUAL_REVIEW');
    }
    if (status === ADMIN_DECISIONS.REJECT) {
      ctx.status.failReason = remark ?? 'rejected in manual review';
      return ctx.moveTo('REJECTED');
    }
    return ctx.moveTo('APPROVED');
  });
}
