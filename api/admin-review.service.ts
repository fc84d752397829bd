import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import proto from '@temporalio/proto';
import type { Db, Filter } from 'mongodb';
import type { Config } from '../config/config.js';
import { kycProfileWorkflowId } from '../domain/ids.js';
import { DOCUMENT_FIELD_NAMES, fieldsDiffer } from '../domain/kyc-document.js';
import { ADMIN_DECISIONS, type AdminDecisionStatus, type KycStatusDto } from '../domain/kyc-profile.js';
import type { KycStage, LocalKycStatus } from '../domain/kyc-stage.js';
import {
  emptyReviewState,
  highRiskReasons,
  liveClaim,
  RETRY_STEPS,
  reviewRefusal,
  type RejectReasonCode,
  type ReviewDecision,
  type ReviewerRef,
  type ReviewPolicy,
  type ReviewReasonGroup,
} from '../domain/review.js';
import { claimForReopening, findKycProfile, listKycProfiles, releaseActiveProfile, type KycProfileDoc } from '../stores/kyc-profiles.store.js';
import { erasedProfileRecord } from '../erasure/erased-record.js';
import { queueCounts, queuePage } from '../stores/review-queue.store.js';
import { addReviewNoteUpdate, claimReviewUpdate, getStatusQuery, reviewDecisionUpdate } from '../workflows/kyc-profile.messages.js';
import { openHits } from '../domain/screening.js';
import { HttpError, notFound } from './http-error.js';
import { callWorkflow } from './workflow-errors.js';

export interface ListQuery {
  profileIds?: string[];
  stage?: KycStage;
  status?: LocalKycStatus;
  country?: string;
  overdue?: boolean;
  page: number;
  limit: number;
}

export interface QueueQuery {
  stage: KycStage;
  overdue?: boolean;
  country?: string;
  reason?: ReviewReasonGroup;
  q?: string;
  page: number;
  limit: number;
}

export interface AdminReviewDeps {
  client: Client;
  db: Db;
  config: Pick<Config, 'REVIEW_MAX_RETRIES_PER_STEP' | 'REVIEW_FOUR_EYES_RULES' | 'REVIEW_CLAIM_MINUTES'>;
}

/** Where the case's stored images are fetched: the bearer API, or the back office's session route. */
export type FileLink = (fileId: string) => string;
export const apiFileLink: FileLink = (fileId) => `/api/web/kycService/files/${fileId}`;

/**
 * Manual review: the queue and lists from the read models; case details, decisions, claims and
 * notes through the profile workflows (which settle races: two reviewers never both win).
 */
export function createAdminReviewService({ client, db, config }: AdminReviewDeps) {
  const handle = (profileId: string) => client.workflow.getHandle(kycProfileWorkflowId(profileId));
  const policy: ReviewPolicy = { maxRetriesPerStep: config.REVIEW_MAX_RETRIES_PER_STEP, fourEyes: config.REVIEW_FOUR_EYES_RULES };
  const current = (profileId: string) => callWorkflow('profile', () => handle(profileId).query(getStatusQuery));

  /**
   * A step on a case's workflow. A decided case's workflow closes when its reset window ends: the
   * profile still exists, so that is a closed case (409), not an unknown one (404).
   */
  async function onCase<T>(profileId: string, step: () => Promise<T>): Promise<T> {
    try {
      return await callWorkflow('profile', step);
    } catch (err) {
      if (!(err instanceof HttpError && err.statusCode === 404) || !(await findKycProfile(db, profileId))) throw err;
      throw new HttpError(409, `this case is closed: it was decided and its reset window (REVIEW_RESET_WINDOW_HOURS) has ended`);
    }
  }

  /**
   * Checked first against the read model for a precise answer (403 / 409); the workflow's validator
   * checks again, atomically. The Update answers once the profile's new snapshot is written, so
   * the reviewer's next read shows the decision.
   */
  async function decideAs(profileId: string, reviewer: ReviewerRef, decision: ReviewDecision) {
    const stored = await findKycProfile(db, profileId);
    if (!stored) throw notFound('profile');
    if (stored.erasedAt) throw new HttpError(410, 'this profile was erased; it cannot be decided');
    const status = { ...stored, createdAt: stored.createdAt.toISOString(), updatedAt: stored.updatedAt.toISOString(), review: stored.review ?? emptyReviewState() };
    const refusal = reviewRefusal(status, reviewer, decision, policy, new Date().toISOString());
    if (refusal) throw new HttpError(refusal.status, refusal.message);
    const update = () => onCase(profileId, () => handle(profileId).executeUpdate(reviewDecisionUpdate, { args: [{ reviewer, decision, policy }] }));
    return decision.action === 'RESET' ? reopen(profileId, stored.userId, update) : update();
  }

  /**
   * A reset makes a decided profile the user's active one again, so it takes the user's claim
   * first (409 while the user has started another profile) and gives it back if the workflow refuses.
   */
  async function reopen<T>(profileId: string, userId: string, update: () => Promise<T>): Promise<T> {
    const holder = await claimForReopening(db, userId, profileId);
    if (holder !== profileId) throw new HttpError(409, `the user has another active profile (${holder}); decide that one instead`);
    try {
      return await update();
    } catch (err) {
      if (err instanceof HttpError && err.statusCode < 500) await releaseActiveProfile(db, userId, profileId);
      throw err;
    }
  }

  return {
    policy,

    async list(query: ListQuery) {
      const filter: Filter<KycProfileDoc> = {};
      if (query.profileIds?.length) filter._id = { $in: query.profileIds };
      if (query.stage) filter.stage = query.stage;
      if (query.status) filter.status = query.status;
      if (query.country) filter.country = query.country;
      if (query.overdue !== undefined) filter.reviewOverdue = query.overdue;
      const { total, docs } = await listKycProfiles(db, filter, query.page, query.limit);
      return { total, page: query.page, limit: query.limit, items: docs.map(summary) };
    },

    /** The reviewers' queue: oldest waiting first, with the counts each filter would show. */
    async queue(query: QueueQuery) {
      const filter = { stage: query.stage, overdue: query.overdue, country: query.country, reason: query.reason, search: query.q };
      const [{ total, docs }, counts] = await Promise.all([queuePage(db, filter, query.page, query.limit), queueCounts(db, query.stage)]);
      const now = new Date().toISOString();
      const items = docs.map((doc) => ({
        ...summary(doc),
        waitingSince: (doc.queuedAt ?? doc.createdAt).toISOString(),
        reasonGroups: doc.reasonGroups ?? [],
        claim: liveClaim(doc.review?.claim, now),
        pendingApprovalBy: doc.review?.pendingApproval?.reviewerId ?? null,
        highRisk: highRiskReasons(doc, policy.fourEyes),
        docType: doc.document?.docType ?? null,
      }));
      return { counts, total, page: query.page, limit: query.limit, items };
    },

    /** The live profile (or an erased one's record), its images, the fields side by side, the review state and the timeline. */
    async detail(profileId: string, fileLink: FileLink = apiFileLink) {
      const erased = await erasedProfileRecord(db, profileId);
      const status = erased ?? await current(profileId);
      // An erased profile's history is unreadable (or, if sealed before data keys, deleted): events only.
      const history = await handle(profileId).fetchHistory().catch((err) => {
        if (erased && err instanceof WorkflowNotFoundError) return { events: [] };
        throw err;
      });
      const timeline = (history.events ?? []).map((event) => ({
        id: Number(event.eventId),
        time: event.eventTime?.seconds ? new Date(Number(event.eventTime.seconds) * 1000).toISOString() : null,
        type: (EventType[event.eventType ?? 0] ?? 'UNKNOWN').replace(/^EVENT_TYPE_/, ''),
        name: eventName(event),
      })).filter((e) => IMPORTANT.test(e.type));
      return { profile: status, files: fileLinks(status, fileLink), fields: fieldComparison(status), review: reviewSummary(status, policy), timeline };
    },

    decideAs,

    /** Seed 003 `update-status` (-1 reject FINAL, 0 reset, 2 approve), through the decision model. */
    async decide(profileId: string, adminId: string, status: AdminDecisionStatus, remark: string | null, extra: { reasonCode?: RejectReasonCode; userMessage?: string } = {}) {
      const decision: ReviewDecision = status === ADMIN_DECISIONS.APPROVE ? { action: 'APPROVE', comment: remark }
        : status === ADMIN_DECISIONS.RESET ? { action: 'RESET', comment: remark }
        : { action: 'REJECT', reasonCode: extra.reasonCode ?? 'OTHER', comment: remark, userMessage: extra.userMessage ?? null };
      const result = await decideAs(profileId, { id: adminId, role: 'admin' }, decision);
      return { profileId, status, previousStage: result.previousStage, outcome: result.outcome, stage: result.stage };
    },

    async claim(profileId: string, reviewer: ReviewerRef) {
      return onCase(profileId, () => handle(profileId).executeUpdate(claimReviewUpdate, { args: [{ reviewer, release: false, ttlMs: config.REVIEW_CLAIM_MINUTES * 60_000 }] }));
    },

    async release(profileId: string, reviewer: ReviewerRef) {
      await onCase(profileId, () => handle(profileId).executeUpdate(claimReviewUpdate, { args: [{ reviewer, release: true, ttlMs: 1 }] }));
    },

    async addNote(profileId: string, reviewer: ReviewerRef, text: string) {
      return onCase(profileId, () => handle(profileId).executeUpdate(addReviewNoteUpdate, { args: [{ reviewer, text }] }));
    },
  };
}

export type AdminReviewService = ReturnType<typeof createAdminReviewService>;

const { EventType } = proto.temporal.api.enums.v1;
const IMPORTANT = /WORKFLOW_EXECUTION_(STARTED|COMPLETED|FAILED|TIMED_OUT|CANCELED|TERMINATED|SIGNALED|UPDATE_ACCEPTED|UPDATE_COMPLETED|CONTINUED_AS_NEW)|ACTIVITY_TASK_(SCHEDULED|FAILED|TIMED_OUT)|TIMER_(STARTED|FIRED)/;

function eventName(event: proto.temporal.api.history.v1.IHistoryEvent): string | null {
  return event.activityTaskScheduledEventAttributes?.activityType?.name
    ?? event.workflowExecutionSignaledEventAttributes?.signalName
    ?? event.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name
    ?? event.workflowExecutionStartedEventAttributes?.workflowType?.name
    ?? null;
}

/** Links to the stored images (never the bytes themselves): document sides and selfie frames. */
function fileLinks(status: KycStatusDto, link: FileLink) {
  const maybe = (fileId: string | null | undefined) => (fileId ? link(fileId) : null);
  return {
    documentFront: maybe(status.document?.frontFileId),
    documentBack: maybe(status.document?.backFileId),
    selfies: (status.liveness?.sessions ?? []).filter((s) => s.bestFrameFileId).map((s) => ({ sessionId: s.sessionId, status: s.status, url: link(s.bestFrameFileId!) })),
  };
}

/** Each document field as read, as the user confirmed it, and whether they differ (case and spacing aside). */
function fieldComparison(status: KycStatusDto) {
  const doc = status.document;
  if (!doc) return [];
  return DOCUMENT_FIELD_NAMES.map((field) => {
    const extracted = doc.extracted[field];
    const confirmed = doc.confirmed ? doc.confirmed[field] : null;
    const differs = doc.confirmed !== null && fieldsDiffer(doc.extracted, { ...doc.extracted, [field]: confirmed });
    return { field, extracted, confirmed, confidence: doc.confidence[field] ?? null, differs };
  });
}

function reviewSummary(status: KycStatusDto, policy: ReviewPolicy) {
  const review = status.review;
  const highRisk = highRiskReasons(status, policy.fourEyes);
  return {
    highRisk,
    claim: liveClaim(review?.claim, new Date().toISOString()),
    pendingApproval: review?.pendingApproval ?? null,
    attempts: review?.attempts ?? { DOCUMENT: 0, LIVENESS: 0 },
    maxRetriesPerStep: policy.maxRetriesPerStep,
    /** Per step: a RETRY now would be past the limit, so it becomes a FINAL rejection. */
    retryBecomesFinal: Object.fromEntries(RETRY_STEPS.map((step) => [step, (review?.attempts?.[step] ?? 0) >= policy.maxRetriesPerStep])),
    openRetry: review?.retry ?? null,
    notes: review?.notes ?? [],
    log: review?.log ?? [],
  };
}

function summary(doc: KycProfileDoc) {
  return {
    profileId: doc._id,
    userId: doc.userId,
    country: doc.country,
    stage: doc.stage,
    status: doc.status,
    documentReviewStatus: doc.document?.reviewStatus ?? null,
    faceMatchPassed: doc.faceMatch?.passed ?? null,
    reviewReasons: doc.reviewReasons ?? [],
    openScreeningHits: openHits(doc.screening).length,
    reviewOverdue: doc.reviewOverdue ?? false,
    createdAt: doc.createdAt.toISOString(),
    updatedAt: doc.updatedAt.toISOString(),
  };
}
