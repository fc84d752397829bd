/** Public types of the document reader (re-exported by document-reader.ts). */
import type { CrossCheck } from './viz-crosscheck.js';

export type DocTypeHint = 'PASSPORT' | 'ID_CARD' | 'DRIVER_LICENSE' | 'VISA' | 'RESIDENCE_PERMIT';
export type MrzFormat = 'TD1' | 'TD2' | 'TD3' | 'MRVA' | 'MRVB' | 'FRENCH_ID';

export interface ExtractedFields {
  name: string | null; // "SURNAME GIVEN NAMES", upper case, single spaces
  surname: string | null;
  givenNames: string | null;
  idNumber: string | null; // document number as printed, no fillers
  birthDate: string | null; // ISO YYYY-MM-DD
  expiryDate: string | null; // ISO YYYY-MM-DD
  issuer: string | null;
  nationality: string | null;
  sex: 'M' | 'F' | 'X' | null;
  documentCode: string | null;
  personalNumber: string | null;
}
export type FieldName = keyof ExtractedFields;

export interface ReadIssue {
  code: 'MRZ_NOT_FOUND' | 'MRZ_CHECKSUM_MISMATCH' | 'UNREADABLE' | 'VIZ_MISMATCH';
  message: string;
  field?: FieldName;
}

export interface MrzResult {
  format: MrzFormat;
  lines: string[];
  /**
   * Verified: every check digit passes, every field is well formed, the characters no check digit
   * covers are sure (the name confirmed by the visual zone, or read at a calibrated confidence),
   * and no cross-checked field differs from the visual zone.
   */
  valid: boolean;
  /** Every check digit passes and every field is well formed (what the MRZ alone can prove). */
  checkDigitsValid: boolean;
  checks: Record<string, boolean>;
  /** Lowest character confidence of the name field (no check digit covers it). */
  nameConfidence: number;
}

export interface DocumentReadResult {
  source: 'MRZ' | 'VIZ' | 'NONE';
  mrz: MrzResult | null;
  fields: ExtractedFields;
  confidence: Partial<Record<FieldName, number>>;
  issues: ReadIssue[];
  /** MRZ fields compared with the printed visual zone; null without an MRZ. */
  crossCheck: CrossCheck | null;
  rotation: 0 | 90 | 180 | 270;
  ms: number;
}

export interface DocumentReader {
  /**
   * `vizImage`: the side that carries the printed visual zone when it is not this one (an ID
   * card's front, when its MRZ is on the back): the cross-check reads that page instead.
   */
  read(image: Buffer, hint?: { docType?: DocTypeHint; vizImage?: Buffer }): Promise<DocumentReadResult>;
  close(): Promise<void>;
}

export function emptyFields(): ExtractedFields {
  return {
    name: null, surname: null, givenNames: null, idNumber: null, birthDate: null, expiryDate: null,
    issuer: null, nationality: null, sex: null, documentCode: null, personalNumber: null,
  };
}
