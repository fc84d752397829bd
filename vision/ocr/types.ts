/** Public types of the document reader (re-exported by document-reader.ts). */
export type DocTypeHint = 'PASSPORT' | 'ID_CARD' | 'DRIVER_LICENSE' | 'VISA' | 'RESIDENCE_PERMIT';
export type MrzFormat = 'TD1' | 'TD2' | 'TD3' | 'MRVA' | 'MRVB';

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
  code: 'MRZ_NOT_FOUND' | 'MRZ_CHECKSUM_MISMATCH' | 'UNREADABLE';
  message: string;
  field?: FieldName;
}

export interface MrzResult {
  format: MrzFormat;
  lines: string[];
  valid: boolean;
  checks: Record<string, boolean>;
}

export interface DocumentReadResult {
  source: 'MRZ' | 'VIZ' | 'NONE';
  mrz: MrzResult | null;
  fields: ExtractedFields;
  confidence: Partial<Record<FieldName, number>>;
  issues: ReadIssue[];
  rotation: 0 | 90 | 180 | 270;
  ms: number;
}

export interface DocumentReader {
  read(image: Buffer, hint?: { docType?: DocTypeHint }): Promise<DocumentReadResult>;
  close(): Promise<void>;
}

export function emptyFields(): ExtractedFields {
  return {
    name: null, surname: null, givenNames: null, idNumber: null, birthDate: null, expiryDate: null,
    issuer: null, nationality: null, sex: null, documentCode: null, personalNumber: null,
  };
}
