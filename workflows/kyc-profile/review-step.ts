import { ApplicationFailure, patched, setHandler } from '@temporalio/workflow';
import { ADMIN_DECISIONS, decisionRefusal, type AdminDecision, type KycStatusDto } from '../../domain/kyc-profile.js';
import { isFinalStage, type KycStage } from '../../domain/kyc-stage.js';
import {
  highRiskReasons,
  REJECT_REASONS,
  reviewRefusal,
  type RejectReasonCode,
  type RetryStep,
  type ReviewDecision,
  type ReviewerRef,
  type ReviewLogEntry,
  type ReviewPolicy,
} from '../../domain/review.js';
import {
  addReviewNoteUpdate,
  adminDecisionSignal,
  claimReviewUpdate,
  reviewDecisionUpdate,
  type ReviewDecisionInput,
  type ReviewDecisionResult,
} from '../kyc-profile.messages.js';

export interface ReviewContext {
  status: KycStatusDto;
  moveTo(stage: KycStage, by?: string | null): Promise<void>;
  publish(): Promise<void>;
  notifyDecision(decision: AdminDecision): void;
  now(): string;
  /** Why an approval must wait (open screening hits), or null. */
  approvalRefusal?: () => string | null;
}

/** Policy for decisions still sent as the legacy signal (an API from before the decision model). */
const LEGACY_SIGNAL_POLICY: ReviewPolicy = { maxRetriesPerStep: 0, fourEyes: ['face_no_match', 'screening_hit'] };
const MAX_CLAIM_MS = 24 * 3_600_000;
const MAX_NOTES = 500;

function refuse(message: string): never {
  throw ApplicationFailure.create({ message, type: 'ReviewRefused', nonRetryable: true });
}

/**
 * Reviewers' decisions, claims and notes arrive as Updates: the validator refuses what does not fit
 * (leaving no history) and the answer says what happened, so two reviewers never both win.
 * Returns the hooks the profile workflow calls when its stage changes.
 */
export function registerReviewStep(ctx: ReviewContext) {
  const review = ctx.status.review;
  const log = (by: string | null, event: ReviewLogEntry['event'], detail: string) => review.log.push({ at: ctx.now(), by, event, detail });

  function record(reviewer: ReviewerRef, decision: Omit<AdminDecision, 'adminId' | 'role' | 'at'>): void {
    const made: AdminDecision = { adminId: reviewer.id, role: reviewer.role, at: ctx.now(), ...decision };
    ctx.status.decisions.push(made);
    ctx.notifyDecision(made);
    log(reviewer.id, 'DECISION', describeDecision(made));
  }

  async function decide({ reviewer, decision, policy }: ReviewDecisionInput): Promise<ReviewDecisionResult> {
    const previousStage = ctx.status.stage;
    const highRisk = highRiskReasons(ctx.status, policy.fourEyes);
    const answer = (outcome: ReviewDecisionResult['outcome'], reasonCode: RejectReasonCode | null = null): ReviewDecisionResult =>
      ({ outcome, previousStage, stage: ctx.status.stage, reasonCode, highRisk });
    review.claim = null; // a decision ends the reviewer's claim

    switch (decision.action) {
      case 'APPROVE': {
        if (highRisk.length > 0 && !review.pendingApproval) {
          review.pendingApproval = { reviewerId: reviewer.id, comment: decision.comment, at: ctx.now() };
          log(reviewer.id, 'APPROVAL_PENDING', `first approval of a high-risk case (${highRisk.join('; ')}); a senior reviewer must confirm`);
          await ctx.publish();
          return answer('APPROVAL_PENDING');
        }
        const confirms = review.pendingApproval?.reviewerId ?? null;
        review.pendingApproval = null;
        record(reviewer, { status: ADMIN_DECISIONS.APPROVE, remark: decision.comment, kind: 'APPROVE', confirms });
        ctx.status.failReason = null;
        await ctx.moveTo('APPROVED', reviewer.id);
        return answer('APPROVED');
      }
      case 'REJECT':
        await rejectFinal(reviewer, decision.reasonCode, decision.comment, decision.userMessage);
        return answer('REJECTED', decision.reasonCode);
      case 'RETRY': {
        const done = review.attempts[decision.step];
        if (done >= policy.maxRetriesPerStep) {
          await rejectFinal(reviewer, 'RETRY_LIMIT_REACHED', decision.comment, null, decision.step);
          return answer('REJECTED', 'RETRY_LIMIT_REACHED');
        }
        const attempt = done + 1;
        review.attempts[decision.step] = attempt;
        review.pendingApproval = null;
        const requestedAt = ctx.now();
        const attemptsLeft = policy.maxRetriesPerStep - attempt;
        review.retry = { step: decision.step, userMessage: decision.userMessage, comment: decision.comment, requestedBy: reviewer.id, requestedAt, attempt, attemptsLeft };
        ctx.status.resubmission = { step: decision.step, message: decision.userMessage, attempt, attemptsLeft, requestedAt };
        ctx.status.failReason = decision.userMessage;
        record(reviewer, { status: ADMIN_DECISIONS.REJECT, remark: decision.comment, kind: 'REJECT_RETRY', step: decision.step, userMessage: decision.userMessage });
        await ctx.moveTo(decision.step, reviewer.id);
        return answer('RETRY_REQUESTED');
      }
      case 'RESET': {
        review.pendingApproval = null;
        const withdrawn = review.retry !== null;
        record(reviewer, { status: ADMIN_DECISIONS.RESET, remark: decision.comment, kind: 'RESET' });
        ctx.status.failReason = null;
        ctx.status.reviewReasons = [withdrawn ? 'reset to review: the RETRY was withdrawn' : 'reset to review'];
        await ctx.moveTo('MANUAL_REVIEW', reviewer.id);
        return answer('RESET');
      }
    }
  }

  async function rejectFinal(reviewer: ReviewerRef, reasonCode: RejectReasonCode, comment: string | null, userMessage: string | null, step: RetryStep | null = null): Promise<void> {
    review.pendingApproval = null;
    const message = userMessage ?? REJECT_REASONS[reasonCode].userMessage;
    ctx.status.failReason = message;
    record(reviewer, { status: ADMIN_DECISIONS.REJECT, remark: comment, kind: 'REJECT_FINAL', reasonCode, step, userMessage: message });
    await ctx.moveTo('REJECTED', reviewer.id);
  }

  setHandler(reviewDecisionUpdate, decide, {
    validator: ({ reviewer, decision, policy }) => {
      const refusal = reviewRefusal(ctx.status, reviewer, decision, policy, ctx.now());
      if (refusal) refuse(refusal.message);
    },
  });

  setHandler(claimReviewUpdate, async ({ reviewer, release, ttlMs }) => {
    if (release) {
      review.claim = null;
      log(reviewer.id, 'RELEASE', 'released the case');
    } else {
      const claimedAt = ctx.now();
      review.claim = { reviewerId: reviewer.id, claimedAt, expiresAt: new Date(Date.parse(claimedAt) + ttlMs).toISOString() };
      log(reviewer.id, 'CLAIM', `claimed until ${review.claim.expiresAt}`);
    }
    await ctx.publish();
    return review.claim;
  }, {
    validator: ({ reviewer, release, ttlMs }) => {
      const held = review.claim && review.claim.expiresAt > ctx.now() ? review.claim : null;
      if (release) {
        if (!held || held.reviewerId !== reviewer.id) refuse('you do not hold a claim on this case');
        return;
      }
      if (ctx.status.stage !== 'MANUAL_REVIEW') refuse(`only a case in manual review can be claimed (stage: ${ctx.status.stage})`);
      if (held && held.reviewerId !== reviewer.id) refuse(`the case is claimed by ${held.reviewerId} until ${held.expiresAt}`);
      if (!(ttlMs > 0 && ttlMs <= MAX_CLAIM_MS)) refuse('a claim lasts between a moment and 24 hours');
    },
  });

  setHandler(addReviewNoteUpdate, async ({ reviewer, text }) => {
    const note = { authorId: reviewer.id, text: text.trim(), at: ctx.now() };
    review.notes.push(note);
    log(reviewer.id, 'NOTE', 'added a note');
    await ctx.publish();
    return note;
  }, {
    validator: ({ text }) => {
      if (!text.trim() || text.length > 2_000) refuse('a note has 1 to 2000 characters');
      if (review.notes.length >= MAX_NOTES) refuse(`a case holds at most ${MAX_NOTES} notes`);
    },
  });

  /**
   * The decision signal of seed 003's first API. New histories run it through the decision model
   * (four eyes included; a refused one is ignored, as signals cannot answer); old ones as they did.
   */
  setHandler(adminDecisionSignal, async ({ adminId, status, remark }) => {
    if (patched('review-decision-model')) {
      const input: ReviewDecisionInput = { reviewer: { id: adminId, role: 'admin' }, decision: legacyDecision(status, remark), policy: LEGACY_SIGNAL_POLICY };
      if (reviewRefusal(ctx.status, input.reviewer, input.decision, input.policy, ctx.now())) return;
      await decide(input);
      return;
    }
    if (decisionRefusal(ctx.status.stage, status)) return;
    if (status === ADMIN_DECISIONS.APPROVE && ctx.approvalRefusal?.()) return;
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

  return {
    /**
     * Called by `moveTo` before the stage changes. A resubmission round ends when the case is back
     * in review (or the user's part is done, or the profile ends); entering review queues the case.
     */
    beforeMove(to: KycStage): void {
      if (review.retry && (to === 'MANUAL_REVIEW' || to === 'FACE_MATCH' || isFinalStage(to))) {
        log(null, 'STAGE', `resubmission round ${review.retry.attempt} of the ${review.retry.step} step closed`);
        review.retry = null;
        ctx.status.resubmission = null;
        if (to !== 'REJECTED') ctx.status.failReason = null; // the RETRY's message is answered
      }
      if (to === 'MANUAL_REVIEW') review.queuedAt = ctx.now();
    },
    /** The open RETRY: when it was asked for, and the review reason the checks after it add. */
    resubmission(): { since: string; reason: string } | null {
      const round = review.retry;
      return round && { since: round.requestedAt, reason: `resubmitted after RETRY ${round.attempt} of the ${round.step === 'DOCUMENT' ? 'document' : 'liveness check'}` };
    },
    retryOpen: (): boolean => review.retry !== null,
    openRetryStep: () => review.retry?.step ?? null,
  };
}

export type ReviewStep = ReturnType<typeof registerReviewStep>;

function legacyDecision(status: number, remark: string | null): ReviewDecision {
  if (status === ADMIN_DECISIONS.APPROVE) return { action: 'APPROVE', comment: remark };
  if (status === ADMIN_DECISIONS.RESET) return { action: 'RESET', comment: remark };
  // The legacy API showed a rejection's remark to the user.
  return { action: 'REJECT', reasonCode: 'OTHER', comment: remark, userMessage: remark };
}

function describeDecision(d: AdminDecision): string {
  switch (d.kind) {
    case 'APPROVE': return d.confirms ? `approved, confirming ${d.confirms}'s approval` : 'approved';
    case 'REJECT_FINAL': return `rejected FINAL (${d.reasonCode})`;
    case 'REJECT_RETRY': return `requested a RETRY of the ${d.step} step`;
    case 'RESET': return 'reset to review';
    default: return `decision ${d.status}`;
  }
}
