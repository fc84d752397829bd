import { WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError, type Client, type WorkflowHandle } from '@temporalio/client';
import type { Db } from 'mongodb';
import { randomBytes } from 'node:crypto';
import type { Config } from '../config/config.js';
import { formatProfileId, kycProfileWorkflowId } from '../domain/ids.js';
import type { KycStatusDto } from '../domain/kyc-profile.js';
import type { SubmitProfileBody } from '../domain/kyc-service.schemas.js';
import { ApiCode } from '../domain/api-response.js';
import { isFinalStage } from '../domain/kyc-stage.js';
import { kycEligibility } from '../domain/app-kyc.js';
import { activeProfileOf, claimActiveProfile, findKycProfile, profileDto, releaseStaleClaim } from '../stores/kyc-profiles.store.js';
import { findKycUser, kycPaymentViewOf, standingProfileOf, type KycUserDoc } from '../stores/kyc-users.store.js';
import { consumeKycPayment } from '../stores/payments.store.js';
import { awaitPublishedUpdate } from '../workflows/kyc-profile.messages.js';
import type { kycProfileWorkflow } from '../workflows/kyc-profile.workflow.js';
import type { AuthClaims } from './plugins/auth.js';
import { HttpError } from './http-error.js';
import { ownedBy } from './ownership.js';

export interface KycProfileServiceDeps {
  client: Client;
  db: Db;
  config: Pick<Config, 'TEMPORAL_TASK_QUEUE' | 'KYC_PROFILE_TTL_HOURS' | 'KYC_FEE_WAIVED' | 'VEXORA_POLL_INITIAL_SECONDS' | 'VEXORA_POLL_MAX_SECONDS' | 'VEXORA_DEADLINE_HOURS' | 'VEXORA_UNDER_REVIEW_MAX_HOURS' | 'REVIEW_SLA_HOURS' | 'REVIEW_RESET_WINDOW_HOURS' | 'LIVENESS_MAX_ATTEMPTS' | 'LIVENESS_SESSION_TTL_SECONDS'>;
}

/** What the seed-003 profile routes do with Temporal and the read models. */
export function createKycProfileService({ client, db, config }: KycProfileServiceDeps) {
  /** Starts the profile (or joins it) and returns once its read model exists, so reads see it at once. */
  async function startProfile(profileId: string, body: SubmitProfileBody): Promise<void> {
    const start = new WithStartWorkflowOperation<typeof kycProfileWorkflow>('kycProfileWorkflow', {
      workflowId: kycProfileWorkflowId(profileId),
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      args: [{
        profileId,
        userId: body.userId,
        country: body.country,
        ttlMs: config.KYC_PROFILE_TTL_HOURS * 3_600_000,
        providerPolicy: {
          initialPollMs: config.VEXORA_POLL_INITIAL_SECONDS * 1_000,
          maxPollMs: config.VEXORA_POLL_MAX_SECONDS * 1_000,
          deadlineMs: config.VEXORA_DEADLINE_HOURS * 3_600_000,
          underReviewMaxMs: config.VEXORA_UNDER_REVIEW_MAX_HOURS * 3_600_000,
        },
        reviewSlaMs: config.REVIEW_SLA_HOURS * 3_600_000,
        resetWindowMs: config.REVIEW_RESET_WINDOW_HOURS * 3_600_000,
        livenessAttempts: config.LIVENESS_MAX_ATTEMPTS,
        livenessSessionTtlMs: config.LIVENESS_SESSION_TTL_SECONDS * 1_000,
      }],
      // A retried submit joins the running workflow; a finished profile id is never reused.
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
    await client.workflow.executeUpdateWithStart(awaitPublishedUpdate, { startWorkflowOperation: start });
  }

  /** Seed 000: KYC needs its fee paid first (402 with what to do, as `/kyc/eligibility` says). */
  function assertFeePaid(user: KycUserDoc | null): void {
    const eligibility = kycEligibility(kycPaymentViewOf(user), false);
    if (!eligibility.eligible) {
      throw new HttpError(402, eligibility.reason, ApiCode.PAYMENT_REQUIRED, { required_action: eligibility.required_action, payment_status: eligibility.payment_status });
    }
  }

  /**
   * Whether the claimed profile is still open. A decided profile frees its claim just after its read
   * model shows the decision; a claim seen in between is stale and is freed here.
   */
  async function openProfile(userId: string, profileId: string): Promise<string | null> {
    const profile = await findKycProfile(db, profileId);
    if (!profile || !isFinalStage(profile.stage)) return profileId;
    await freeStaleClaim(userId, profileId);
    return null;
  }

  /** Frees a decided profile's claim; while a reviewer's reset is reopening that profile, 409. */
  async function freeStaleClaim(userId: string, profileId: string): Promise<void> {
    if (!(await releaseStaleClaim(db, userId, profileId))) {
      throw new HttpError(409, 'a reviewer is reopening your previous verification; try again in a minute');
    }
  }

  return {
    /**
     * One active profile per user: the claim in MongoDB picks the profile, the workflow id makes the
     * start idempotent. Returns the profile and whether it is new.
     */
    async submit(body: SubmitProfileBody): Promise<{ profileId: string; created: boolean }> {
      // Two reads by key, side by side: the user's active claim and their latest profile and fee.
      const [claimed, user] = await Promise.all([activeProfileOf(db, body.userId), findKycUser(db, body.userId)]);
      const active = claimed && (await openProfile(body.userId, claimed));
      if (!active && standingProfileOf(user)?.stage === 'APPROVED') {
        throw new HttpError(409, 'KYC is already approved for this user; no need to submit again');
      }
      if (!config.KYC_FEE_WAIVED && !active) assertFeePaid(user);
      for (let attempt = 0; attempt < 2; attempt++) {
        const candidate = formatProfileId(randomBytes(12).toString('hex'));
        const profileId = await claimActiveProfile(db, body.userId, candidate);
        try {
          await startProfile(profileId, body);
          const created = profileId === candidate;
          // The fee pays for this profile; a later profile (after a rejection) needs a new payment.
          if (created && !config.KYC_FEE_WAIVED && user?.kycPayment) await consumeKycPayment(db, body.userId, user.kycPayment.paymentId, profileId);
          return { profileId, created };
        } catch (err) {
          if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
          // The claim points at a profile that already finished: free it and claim afresh.
          await freeStaleClaim(body.userId, profileId);
        }
      }
      throw new Error(`could not claim an active profile for a user`);
    },

    /** The status from the read model (one read by key; an erased profile's is its redacted record); someone else's profile reads as not found. */
    async status(profileId: string, viewer: AuthClaims): Promise<KycStatusDto & { erasedAt?: string }> {
      return profileDto(ownedBy(await findKycProfile(db, profileId), viewer, 'profile'));
    },

    /** The profile's workflow handle and status (read model), for a viewer allowed to see it. An erased profile is gone (410). */
    async open(profileId: string, viewer: AuthClaims): Promise<{ handle: WorkflowHandle<typeof kycProfileWorkflow>; status: KycStatusDto }> {
      const status = await this.status(profileId, viewer);
      if (status.erasedAt) throw new HttpError(410, 'this profile was erased; only its redacted record is kept', undefined, { profileId, erasedAt: status.erasedAt });
      return { handle: client.workflow.getHandle<typeof kycProfileWorkflow>(kycProfileWorkflowId(profileId)), status };
    },
  };
}

export type KycProfileService = ReturnType<typeof createKycProfileService>;
