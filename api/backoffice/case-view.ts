import type { KycStatusDto } from '../../domain/kyc-profile.js';
import { isSenior, stageRefusal } from '../../domain/review.js';
import type { AdminReviewService } from '../admin-review.service.js';
import type { SignedInReviewer } from './session.js';

type CaseDetail = Awaited<ReturnType<AdminReviewService['detail']>>;

// Sections the page lays out itself; anything else in the data (checks other steps add later,
// e.g. MRZ cross-checks or screening hits) is shown generically rather than hidden.
const DOCUMENT_KEYS = new Set(['documentId', 'origin', 'docType', 'country', 'frontFileId', 'backFileId', 'frontImageUrl', 'backImageUrl', 'readSource', 'mrzFormat', 'mrzValid', 'quality', 'extracted', 'confidence', 'confirmed', 'userModified', 'reviewStatus', 'uploadedAt', 'confirmedAt', 'submittedAt']);
const FACE_KEYS = new Set(['passed', 'similarity', 'distance', 'threshold', 'reason']);
const PROFILE_KEYS = new Set(['profileId', 'recordId', 'agentUid', 'userId', 'country', 'stage', 'status', 'document', 'liveness', 'faceMatch', 'provider', 'reviewReasons', 'decisions', 'reviewOverdue', 'failReason', 'resubmission', 'review', 'createdAt', 'updatedAt', 'screening']);

const extras = (value: object | null | undefined, known: Set<string>) =>
  Object.fromEntries(Object.entries(value ?? {}).filter(([key, v]) => !known.has(key) && v !== null && v !== undefined));

/** What the case page shows and which actions it offers this reviewer (the workflow still decides). */
export function caseView(detail: CaseDetail, reviewer: SignedInReviewer) {
  const profile: KycStatusDto = detail.profile;
  const summary = detail.review;
  const claim = summary.claim;
  const mine = claim?.reviewerId === reviewer.id;
  const blockedBy = claim && !mine ? claim.reviewerId : null;
  const state = profile.review;
  const can = {
    decide: !blockedBy && !stageRefusal(profile.stage, state, 'APPROVE'),
    reset: !blockedBy && !stageRefusal(profile.stage, state, 'RESET'),
  };
  return {
    profile,
    files: detail.files,
    fields: detail.fields,
    review: { ...summary, queuedAt: state.queuedAt },
    mine,
    blockedBy,
    can,
    approve: approveButton(summary.highRisk, summary.pendingApproval?.reviewerId ?? null, reviewer),
    documentExtras: extras(profile.document, DOCUMENT_KEYS),
    faceExtras: extras(profile.faceMatch, FACE_KEYS),
    screening: profile.screening ?? null,
    canResolveHits: !blockedBy && profile.stage === 'MANUAL_REVIEW',
    profileExtras: extras(profile, PROFILE_KEYS),
  };
}

function approveButton(highRisk: string[], pendingBy: string | null, reviewer: SignedInReviewer) {
  if (highRisk.length === 0) return { label: 'Approve', disabled: false, why: null };
  if (!pendingBy) return { label: 'Approve (first of two)', disabled: false, why: 'High risk: a second, senior reviewer must confirm your approval.' };
  if (pendingBy === reviewer.id) return { label: 'Approve', disabled: true, why: 'You gave the first approval; a second, senior reviewer must confirm it.' };
  if (!isSenior(reviewer.role)) return { label: 'Approve', disabled: true, why: `${pendingBy} approved; confirming needs a senior reviewer.` };
  return { label: 'Confirm approval (second of two)', disabled: false, why: `${pendingBy} gave the first approval.` };
}
