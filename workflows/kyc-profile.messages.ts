import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type {
  DocType,
  DocumentError,
  DocumentCrossCheck,
  DocumentErrorCode,
  DocumentFieldName,
  DocumentFields,
  DocumentReviewStatus,
  QualitySummary,
} from '../domain/kyc-document.js';
import type { AdminDecisionStatus, KycStatusDto } from '../domain/kyc-profile.js';
import type { KycStage } from '../domain/kyc-stage.js';
import type { LivenessCallbackRecord, LivenessSession } from '../domain/liveness.js';
import type { RejectReasonCode, ReviewClaim, ReviewDecision, ReviewerRef, ReviewNote, ReviewPolicy } from '../domain/review.js';
import type { ScreeningOutcome, ScreeningResult, ScreeningState } from '../domain/screening.js';

/** Messages of the `kyc-profile:{profileId}` workflow; the API imports these, never the workflow body. */
export const getStatusQuery = defineQuery<KycStatusDto>('getStatus');

/** Answers once the profile's read model is written: the API's submit waits on it (Update-with-Start). */
export const awaitPublishedUpdate = defineUpdate<KycStatusDto>('awaitPublished');

export interface UploadDocumentInput {
  docType: DocType;
  country: string;
  frontFileId: string;
  backFileId: string | null;
}
export type UploadDocumentResult =
  | {
      ok: true;
      documentId: number;
      fields: DocumentFields;
      confidence: Partial<Record<DocumentFieldName, number>>;
      quality: QualitySummary;
      readSource: string;
      mrzValid: boolean | null;
      crossCheck?: DocumentCrossCheck | null;
    }
  | { ok: false; errorCode: DocumentErrorCode; quality: QualitySummary | null; errors: DocumentError[] };
/** Quality checks, OCR and field extraction on files already in storage. */
export const uploadDocumentUpdate = defineUpdate<UploadDocumentResult, [UploadDocumentInput]>('uploadDocument');

export interface DocumentMetadataInput {
  docType: DocType;
  docNumber: string | null;
  frontImageUrl: string;
  backImageUrl: string | null;
  expiryDate: string | null;
  issueCountry: string | null;
}
/** Seed 003 `/document`: metadata with image references, stored without OCR. */
export const recordDocumentMetadataUpdate = defineUpdate<{ documentId: number }, [DocumentMetadataInput]>('recordDocumentMetadata');

export interface ConfirmDocumentInput {
  documentId: number;
  fields: Partial<DocumentFields>;
  userModified: boolean;
}
export interface ConfirmDocumentResult {
  documentId: number;
  fields: DocumentFields;
  userModified: boolean;
}
export const confirmDocumentUpdate = defineUpdate<ConfirmDocumentResult, [ConfirmDocumentInput]>('confirmDocument');

export interface SubmitDocumentResult {
  documentId: number;
  status: DocumentReviewStatus;
}
export const submitDocumentUpdate = defineUpdate<SubmitDocumentResult, [{ documentId: number }]>('submitDocument');

/** Seed 003 `/liveness/start`: a five-minute session with three random actions. */
export const startLivenessUpdate = defineUpdate<LivenessSession>('startLiveness');

/** Seed 003 `/liveness/verify`: the three videos (stored files, one per action, in order). */
export const verifyLivenessUpdate = defineUpdate<LivenessSession, [{ sessionId: string; videoFileIds: string[]; mirrored?: boolean }]>('verifyLiveness');

/** Seed 003 `/callback/liveness`: a verified server-to-server result, recorded on the profile. */
export const livenessCallbackSignal = defineSignal<[Omit<LivenessCallbackRecord, 'receivedAt'>]>('livenessCallback');

/** Seed 003 `/admin/kyc/update-status`: an admin's decision (-1 reject, 0 reset to review, 2 approve). */
export const adminDecisionSignal = defineSignal<[{ adminId: string; status: AdminDecisionStatus; remark: string | null }]>('adminDecision');

export interface ReviewDecisionInput {
  reviewer: ReviewerRef;
  decision: ReviewDecision;
  /** From the API's configuration, so a changed rule applies to open cases too. */
  policy: ReviewPolicy;
}
export interface ReviewDecisionResult {
  outcome: 'APPROVED' | 'APPROVAL_PENDING' | 'REJECTED' | 'RETRY_REQUESTED' | 'RESET';
  previousStage: KycStage;
  stage: KycStage;
  /** Set when a RETRY past the limit became a FINAL rejection. */
  reasonCode: RejectReasonCode | null;
  /** Why the case needs four eyes (empty when it does not). */
  highRisk: string[];
}
/** A reviewer's decision: approve (four eyes when high risk), reject FINAL, RETRY a step, reset. */
export const reviewDecisionUpdate = defineUpdate<ReviewDecisionResult, [ReviewDecisionInput]>('reviewDecision');

/** Claims a case for `ttlMs` (another reviewer sees who has it) or releases the reviewer's claim. */
export const claimReviewUpdate = defineUpdate<ReviewClaim | null, [{ reviewer: ReviewerRef; release: boolean; ttlMs: number }]>('claimReview');

/** An internal note (append-only). */
export const addReviewNoteUpdate = defineUpdate<ReviewNote, [{ reviewer: ReviewerRef; text: string }]>('addReviewNote');
/** A reviewer resolves one screening hit: a true match rejects the profile, a false positive is dismissed. */
export const resolveScreeningHitUpdate = defineUpdate<ScreeningState, [{ hitId: string; outcome: ScreeningOutcome; reviewerId: string; reason: string }]>('resolveScreeningHit');

/** Monitoring found the approved customer on a new or changed list entry: reopen for review. */
export const screeningAlertSignal = defineSignal<[{ listVersion: string; hits: ScreeningResult['hits'] }]>('screeningAlert');
