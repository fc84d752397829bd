import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import proto from '@temporalio/proto';
import type { Db, Filter } from 'mongodb';
import { kycProfileWorkflowId } from '../domain/ids.js';
import { ADMIN_DECISIONS, decisionRefusal, type AdminDecisionStatus, type KycStatusDto } from '../domain/kyc-profile.js';
import type { KycStage, LocalKycStatus } from '../domain/kyc-stage.js';
import { activeProfileOf, findKycProfile, listKycProfiles, type KycProfileDoc } from '../stores/kyc-profiles.store.js';
import { erasedProfileRecord } from '../erasure/erased-record.js';
import { adminDecisionSignal, getStatusQuery } from '../workflows/kyc-profile.messages.js';
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

/** Admin review: lists from the read models, details and decisions through the workflows. */
export function createAdminReviewService({ client, db }: { client: Client; db: Db }) {
  const handle = (profileId: string) => client.workflow.getHandle(kycProfileWorkflowId(profileId));

  /** Polls the profile's read model (by key) until its version passes `version`. */
  async function projectionPast(profileId: string, version: number): Promise<void> {
    const deadline = Date.now() + PROJECTION_WAIT_MS;
    for (let delay = 5; Date.now() < deadline; delay = Math.min(delay * 2, 100)) {
      if (((await findKycProfile(db, profileId))?.version ?? 0) > version) return;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }

  return {
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

    /** The live status, where its files can be fetched, and the workflow's event timeline. */
    async detail(profileId: string) {
      const erased = await erasedProfileRecord(db, profileId);
      const status = erased ?? await callWorkflow('profile', () => handle(profileId).query(getStatusQuery));
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
      return { profile: status, files: fileLinks(status), timeline };
    },

    /**
     * Refused with the reason when the decision does not fit the stage; else signalled. Answers once
     * the read model holds a newer version than the one decided on (or after `PROJECTION_WAIT_MS`),
     * so the reviewer's next list or status read shows the decision.
     */
    async decide(profileId: string, adminId: string, status: AdminDecisionStatus, remark: string | null) {
      const current = await findKycProfile(db, profileId);
      if (!current) throw notFound('profile');
      if (current.erasedAt) throw new HttpError(410, 'this profile was erased; it cannot be decided');
      const refusal = decisionRefusal(current.stage, status);
      if (refusal) throw new HttpError(409, refusal);
      // A reset makes the profile active again: not while the user has started another one.
      const active = status === ADMIN_DECISIONS.RESET ? await activeProfileOf(db, current.userId) : null;
      if (active && active !== profileId) throw new HttpError(409, `the user has another active profile (${active}); decide that one instead`);
      await callWorkflow('profile', () => handle(profileId).signal(adminDecisionSignal, { adminId, status, remark }));
      await projectionPast(profileId, current.version);
      return { profileId, status, previousStage: current.stage };
    },
  };
}

const PROJECTION_WAIT_MS = 5_000;

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

/** Authenticated links to the stored images (never the bytes themselves). */
function fileLinks(status: KycStatusDto) {
  const link = (fileId: string | null | undefined) => (fileId ? `/api/web/kycService/files/${fileId}` : null);
  return {
    documentFront: link(status.document?.frontFileId),
    documentBack: link(status.document?.backFileId),
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
    reviewOverdue: doc.reviewOverdue ?? false,
    createdAt: doc.createdAt.toISOString(),
    updatedAt: doc.updatedAt.toISOString(),
  };
}
