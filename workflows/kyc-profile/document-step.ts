import { ActivityFailure, ApplicationFailure, patched, proxyActivities, setHandler, uuid4, workflowInfo } from '@temporalio/workflow';
import type { DocumentActivities } from '../../activities/document.activities.js';
import {
  documentReviewReasons,
  emptyFields,
  fieldsDiffer,
  isExpired,
  reviewStatusOf,
  type DocumentError,
  type DocumentErrorCode,
  type KycDocument,
  type QualitySummary,
} from '../../domain/kyc-document.js';
import { canMoveTo, type KycStage } from '../../domain/kyc-stage.js';
import {
  confirmDocumentUpdate,
  recordDocumentMetadataUpdate,
  submitDocumentUpdate,
  uploadDocumentUpdate,
  type UploadDocumentInput,
  type UploadDocumentResult,
} from '../kyc-profile.messages.js';
import { visionTaskQueueOf } from '../../domain/task-queues.js';
import type { ActivityOptions } from '@temporalio/workflow';

const DOCUMENT_ACTIVITY_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '60 seconds',
  retry: { initialInterval: '1 second', maximumAttempts: 3, nonRetryableErrorTypes: ['UnreadableImage'] },
};
const { discardFiles } = proxyActivities<DocumentActivities>(DOCUMENT_ACTIVITY_OPTIONS);
/** Quality checks and OCR run on the vision worker's queue (named after this workflow's queue). */
const vision = () => proxyActivities<DocumentActivities>({ ...DOCUMENT_ACTIVITY_OPTIONS, taskQueue: visionTaskQueueOf(workflowInfo().taskQueue) });

/** What the document step needs from the profile workflow that hosts it. */
export interface ProfileContext {
  stage(): KycStage;
  document(): KycDocument | null;
  setDocument(doc: KycDocument): void;
  moveTo(stage: KycStage): Promise<void>;
  now(): string;
  /** Where a submitted document leads (LIVENESS unless a resubmitted document can reuse the selfie). */
  stageAfterSubmit?(): KycStage;
}

/** Steps out of order are refused in validators, so they leave no trace in history. */
function refuse(message: string): never {
  throw ApplicationFailure.create({ message, type: 'StepRefused', nonRetryable: true });
}

/** A positive 12-digit id from the workflow's deterministic randomness (seed 003 ids are numbers). */
function newDocumentId(): number {
  return 100_000_000_000 + (Number.parseInt(uuid4().replaceAll('-', '').slice(0, 12), 16) % 900_000_000_000);
}

export function registerDocumentStep(profile: ProfileContext): void {
  let uploading = false;

  const assertCanReplaceDocument = () => {
    if (uploading) refuse('another document upload is still being processed');
    if (profile.stage() !== 'DOCUMENT' && profile.stage() !== 'CONFIRMATION') {
      refuse(`a document can be uploaded only before it is confirmed (profile stage: ${profile.stage()})`);
    }
  };
  const currentDocument = (documentId: number, stage: KycStage, action: string): KycDocument => {
    const doc = profile.document();
    if (!doc || doc.documentId !== documentId) refuse(`document ${documentId} is not this profile's current document`);
    if (profile.stage() !== stage) refuse(`the document cannot be ${action} now (profile stage: ${profile.stage()})`);
    return doc;
  };

  async function replaceDocument(doc: KycDocument): Promise<void> {
    // The profile moved on while the images were read (it expired, or a RETRY was withdrawn).
    if (!canMoveTo(profile.stage(), 'CONFIRMATION')) {
      await discardFiles({ fileIds: [doc.frontFileId, doc.backFileId].filter((id): id is string => !!id) });
      refuse(`the profile no longer takes a document (stage: ${profile.stage()})`);
    }
    const previous = profile.document();
    profile.setDocument(doc);
    await profile.moveTo('CONFIRMATION');
    const stale = [previous?.frontFileId, previous?.backFileId].filter((id): id is string => !!id);
    if (stale.length) await discardFiles({ fileIds: stale });
  }

  setHandler(uploadDocumentUpdate, async (input) => {
    uploading = true;
    try {
      const result = await analyse(input, profile.now());
      if (!result.ok) {
        await discardFiles({ fileIds: [input.frontFileId, input.backFileId].filter((id): id is string => !!id) });
        return result;
      }
      await replaceDocument(result.doc);
      const { documentId, extracted: fields, confidence, readSource, mrzValid, crossCheck } = result.doc;
      return { ok: true, documentId, fields, confidence, quality: result.doc.quality!, readSource, mrzValid, ...(crossCheck !== undefined ? { crossCheck } : {}) };
    } finally {
      uploading = false;
    }
  }, { validator: (_input) => assertCanReplaceDocument() });

  setHandler(recordDocumentMetadataUpdate, async (input) => {
    const doc: KycDocument = {
      ...blankDocument(input.docType, '', profile.now()),
      origin: 'METADATA',
      country: input.issueCountry ?? '',
      frontImageUrl: input.frontImageUrl,
      backImageUrl: input.backImageUrl,
      readSource: 'METADATA',
      extracted: { ...emptyFields(), idNumber: input.docNumber, expiryDate: input.expiryDate, issuer: input.issueCountry },
    };
    await replaceDocument(doc);
    return { documentId: doc.documentId };
  }, {
    validator: (input) => {
      assertCanReplaceDocument();
      if (isExpired(input.expiryDate, profile.now().slice(0, 10))) refuse('the document has expired');
    },
  });

  setHandler(confirmDocumentUpdate, async ({ documentId, fields, userModified }) => {
    const doc = currentDocument(documentId, 'CONFIRMATION', 'confirmed');
    const confirmed = { ...doc.extracted, ...fields };
    const modified = userModified || fieldsDiffer(doc.extracted, confirmed);
    profile.setDocument({ ...doc, confirmed, userModified: modified, confirmedAt: profile.now() });
    await profile.moveTo('REVIEW_SUBMISSION');
    return { documentId, fields: confirmed, userModified: modified };
  }, { validator: ({ documentId }) => void currentDocument(documentId, 'CONFIRMATION', 'confirmed') });

  setHandler(submitDocumentUpdate, async ({ documentId }) => {
    const doc = currentDocument(documentId, 'REVIEW_SUBMISSION', 'submitted');
    const status = reviewStatusOf(doc);
    // Documents read since the cross-check exist carry why they go to review.
    const reasons = doc.crossCheck !== undefined && status !== 1 ? { reviewReasons: documentReviewReasons(doc) } : {};
    profile.setDocument({ ...doc, ...reasons, reviewStatus: status, submittedAt: profile.now() });
    await profile.moveTo(profile.stageAfterSubmit?.() ?? 'LIVENESS');
    return { documentId, status };
  }, { validator: ({ documentId }) => void currentDocument(documentId, 'REVIEW_SUBMISSION', 'submitted') });
}

type Analysis = { ok: true; doc: KycDocument } | Extract<UploadDocumentResult, { ok: false }>;

const failed = (errorCode: DocumentErrorCode, quality: QualitySummary | null, errors: DocumentError[]): Analysis =>
  ({ ok: false, errorCode, quality, errors });

/** Quality first (no point reading a blurry photo), then OCR, then the document's own validity. */
async function analyse(input: UploadDocumentInput, now: string): Promise<Analysis> {
  const fileIds = [input.frontFileId, input.backFileId].filter((id): id is string => !!id);
  let quality;
  try {
    quality = await vision().checkDocumentQuality({ fileIds });
  } catch (err) {
    if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure && err.cause.type === 'UnreadableImage') {
      return failed('UNREADABLE_IMAGE', null, [{ code: 'UNREADABLE_IMAGE', message: `${err.cause.message}; upload a complete JPEG, PNG or WebP photo` }]);
    }
    throw err;
  }
  const summary: QualitySummary = { passed: quality.passed, scores: quality.scores };
  if (!quality.passed) return failed('IMAGE_QUALITY', summary, quality.errors);

  const read = await vision().readDocument({ frontFileId: input.frontFileId, backFileId: input.backFileId, docType: input.docType });
  if (read.source === 'NONE') {
    const code = input.docType === 'PASSPORT' ? 'MRZ_NOT_FOUND' : 'UNREADABLE';
    return failed(code, summary, read.errors.length ? read.errors : [{ code, message: 'The document could not be read; photograph the whole page, flat and in focus.' }]);
  }
  // Since the MRZ ↔ visual zone cross-check: only failing check digits refuse the upload; a name
  // not confirmed, or a field the visual zone contradicts, goes to review instead.
  const crossChecked = patched('document-cross-check');
  if (crossChecked ? read.checkDigitsValid === false || (read.checkDigitsValid === undefined && read.mrzValid === false) : read.mrzValid === false) {
    return failed('MRZ_CHECKSUM_MISMATCH', summary, read.errors.filter((e) => e.code === 'MRZ_CHECKSUM_MISMATCH').concat(
      [{ code: 'MRZ_CHECKSUM_MISMATCH', message: 'The machine-readable zone did not verify; retake the photo with the two (or three) code lines at the bottom sharp and fully visible.' }]));
  }
  if (isExpired(read.fields.expiryDate, now.slice(0, 10))) {
    return failed('DOCUMENT_EXPIRED', summary, [{ code: 'DOCUMENT_EXPIRED', field: 'expiryDate', message: `The document expired on ${read.fields.expiryDate}; use a valid document.` }]);
  }
  return {
    ok: true,
    doc: {
      ...blankDocument(input.docType, input.country, now),
      frontFileId: input.frontFileId,
      backFileId: input.backFileId,
      readSource: read.source,
      mrzFormat: read.mrzFormat,
      mrzValid: read.mrzValid,
      ...(crossChecked ? { crossCheck: read.crossCheck ?? null } : {}),
      quality: summary,
      extracted: read.fields,
      confidence: read.confidence,
    },
  };
}

function blankDocument(docType: KycDocument['docType'], country: string, now: string): KycDocument {
  return {
    documentId: newDocumentId(),
    origin: 'UPLOAD',
    docType,
    country,
    frontFileId: null,
    backFileId: null,
    frontImageUrl: null,
    backImageUrl: null,
    readSource: 'NONE',
    mrzFormat: null,
    mrzValid: null,
    quality: null,
    extracted: emptyFields(),
    confidence: {},
    confirmed: null,
    userModified: false,
    reviewStatus: null,
    uploadedAt: now,
    confirmedAt: null,
    submittedAt: null,
  };
}
