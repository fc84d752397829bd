// The document step of a KYC profile. Imported by workflow code: no libraries here.

export const DOC_TYPES = ['PASSPORT', 'ID_CARD', 'DRIVER_LICENSE', 'RESIDENCE_PERMIT', 'VISA'] as const;
export type DocType = (typeof DOC_TYPES)[number];

/** The identity fields the user confirms (seed 003 `/document/confirm` body). Dates are ISO. */
export interface DocumentFields {
  name: string | null;
  idNumber: string | null;
  birthDate: string | null;
  expiryDate: string | null;
  issuer: string | null;
  nationality: string | null;
}
export type DocumentFieldName = keyof DocumentFields;
export const DOCUMENT_FIELD_NAMES: readonly DocumentFieldName[] = ['name', 'idNumber', 'birthDate', 'expiryDate', 'issuer', 'nationality'];

/** Seed 003 `/document/submit` result. */
export const DocumentReviewStatus = { AUTO_APPROVED: 1, MANUAL_REVIEW: 2, USER_MODIFIED_REVIEW: 3 } as const;
export type DocumentReviewStatus = (typeof DocumentReviewStatus)[keyof typeof DocumentReviewStatus];

/** Why an upload was refused; each comes with messages that tell the user what to fix. */
export type DocumentErrorCode = 'IMAGE_QUALITY' | 'UNREADABLE_IMAGE' | 'UNREADABLE' | 'MRZ_NOT_FOUND' | 'MRZ_CHECKSUM_MISMATCH' | 'DOCUMENT_EXPIRED';

export interface DocumentError {
  code: string;
  message: string;
  field?: string;
}

export interface QualitySummary {
  passed: boolean;
  scores: { width: number; height: number; sharpness: number; glare: number; brightness: number };
}

/** One field of the MRZ compared with the printed visual zone. */
export type FieldCheck = 'match' | 'mismatch' | 'unread';
export const CROSS_CHECKED_FIELDS = ['surname', 'givenNames', 'idNumber', 'birthDate', 'expiryDate'] as const;
export type DocumentCrossCheck = Record<(typeof CROSS_CHECKED_FIELDS)[number], FieldCheck>;

export interface DocumentRead {
  source: 'MRZ' | 'VIZ' | 'NONE';
  mrzFormat: string | null;
  /**
   * Verified: check digits pass, the name is confirmed by the visual zone or read at a calibrated
   * confidence, and nothing printed contradicts the MRZ.
   */
  mrzValid: boolean | null;
  /** Every check digit passes (absent in reads recorded before the cross-check existed). */
  checkDigitsValid?: boolean | null;
  crossCheck?: DocumentCrossCheck | null;
  fields: DocumentFields;
  confidence: Partial<Record<DocumentFieldName, number>>;
  errors: DocumentError[];
}

/** The profile's current document, as kept in workflow state and shown in status and detail. */
export interface KycDocument {
  documentId: number;
  origin: 'UPLOAD' | 'METADATA';
  docType: DocType;
  country: string;
  frontFileId: string | null;
  backFileId: string | null;
  frontImageUrl: string | null;
  backImageUrl: string | null;
  readSource: DocumentRead['source'] | 'METADATA';
  mrzFormat: string | null;
  mrzValid: boolean | null;
  /** MRZ ↔ visual zone per field (documents uploaded since the cross-check exists). */
  crossCheck?: DocumentCrossCheck | null;
  /** Why the document goes to review, when it does (set at submit). */
  reviewReasons?: string[];
  quality: QualitySummary | null;
  extracted: DocumentFields;
  confidence: Partial<Record<DocumentFieldName, number>>;
  confirmed: DocumentFields | null;
  userModified: boolean;
  reviewStatus: DocumentReviewStatus | null;
  uploadedAt: string;
  confirmedAt: string | null;
  submittedAt: string | null;
}

/**
 * The submit rule (README "Document review"): an unmodified document whose MRZ was read with every
 * check digit valid from a photo that passed the quality checks is approved automatically (1);
 * a user-modified one goes to review as such (3); anything else to manual review (2).
 */
export function reviewStatusOf(doc: KycDocument): DocumentReviewStatus {
  if (doc.userModified) return DocumentReviewStatus.USER_MODIFIED_REVIEW;
  const machineVerified = doc.readSource === 'MRZ' && doc.mrzValid === true && doc.quality?.passed === true;
  return machineVerified ? DocumentReviewStatus.AUTO_APPROVED : DocumentReviewStatus.MANUAL_REVIEW;
}

/**
 * Why a submitted document is not approved automatically, in words a reviewer can act on; a field
 * the visual zone contradicts is named.
 */
export function documentReviewReasons(doc: KycDocument): string[] {
  const reasons: string[] = [];
  for (const [field, result] of Object.entries(doc.crossCheck ?? {})) {
    if (result === 'mismatch') reasons.push(`document ${field}: the printed visual zone differs from the MRZ`);
  }
  if (doc.userModified) reasons.push('document: the user changed fields that were read');
  if (doc.readSource !== 'MRZ') reasons.push(`document: no machine-readable zone verified (${doc.readSource.toLowerCase()})`);
  else if (doc.mrzValid !== true && !reasons.length) reasons.push('document name: not confirmed by the visual zone, and not read surely enough to stand alone');
  if (doc.quality && !doc.quality.passed) reasons.push('document: the photo failed the quality checks');
  return reasons;
}

/** True when the user changed any field the machine read (case and spacing ignored). */
export function fieldsDiffer(extracted: DocumentFields, confirmed: DocumentFields): boolean {
  const norm = (v: string | null) => (v ?? '').trim().replace(/\s+/g, ' ').toUpperCase();
  return DOCUMENT_FIELD_NAMES.some((name) => norm(extracted[name]) !== norm(confirmed[name]));
}

/** ISO dates compare as strings. */
export const isExpired = (expiryDate: string | null, today: string): boolean => expiryDate !== null && expiryDate < today;

export const emptyFields = (): DocumentFields => ({ name: null, idNumber: null, birthDate: null, expiryDate: null, issuer: null, nationality: null });
