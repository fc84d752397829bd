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

export interface DocumentRead {
  source: 'MRZ' | 'VIZ' | 'NONE';
  mrzFormat: string | null;
  mrzValid: boolean | null;
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

/** True when the user changed any field the machine read (case and spacing ignored). */
export function fieldsDiffer(extracted: DocumentFields, confirmed: DocumentFields): boolean {
  const norm = (v: string | null) => (v ?? '').trim().replace(/\s+/g, ' ').toUpperCase();
  return DOCUMENT_FIELD_NAMES.some((name) => norm(extracted[name]) !== norm(confirmed[name]));
}

/** ISO dates compare as strings. */
export const isExpired = (expiryDate: string | null, today: string): boolean => expiryDate !== null && expiryDate < today;

export const emptyFields = (): DocumentFields => ({ name: null, idNumber: null, birthDate: null, expiryDate: null, issuer: null, nationality: null });
