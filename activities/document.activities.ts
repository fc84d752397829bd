import { ApplicationFailure, metricMeter } from '@temporalio/activity';
import type { Db } from 'mongodb';
import type { DocType, DocumentError, DocumentFields, DocumentRead, QualitySummary } from '../domain/kyc-document.js';
import { deleteFile, readFile } from '../stores/files.store.js';
import { assessQuality, UnreadableImage, type QualityThresholds } from '../vision/document-quality.js';
import type { DocumentReader, DocumentReadResult } from '../vision/ocr/document-reader.js';

export interface DocumentActivityDeps {
  db: Db;
  reader: DocumentReader;
  qualityThresholds?: QualityThresholds;
}

export interface QualityCheckResult extends QualitySummary {
  errors: DocumentError[];
}

/** Wall time of `work`, recorded as a histogram on the worker's Prometheus endpoint. */
async function timed<T>(metric: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await work();
  } finally {
    metricMeter.createHistogram(metric, 'int', 'ms').record(Math.round(performance.now() - started));
  }
}

/** Failure type the workflow turns into UNREADABLE_IMAGE (not retried: the bytes will not change). */
export const UNREADABLE_IMAGE = 'UnreadableImage';

/** Document photo checks and OCR on files in storage; the workflow passes file ids, never bytes. */
export function createDocumentActivities({ db, reader, qualityThresholds }: DocumentActivityDeps) {
  const load = (fileId: string): Promise<Buffer> => readFile(db, fileId);

  return {
    /** Quality of each side; the front's scores are reported, issues of both sides are listed. */
    async checkDocumentQuality({ fileIds }: { fileIds: string[] }): Promise<QualityCheckResult> {
      const reports = [];
      for (const fileId of fileIds) {
        try {
          const image = await load(fileId);
          reports.push(await timed('kycflow_document_quality_duration', () => assessQuality(image, qualityThresholds)));
        } catch (err) {
          if (err instanceof UnreadableImage) throw ApplicationFailure.nonRetryable(err.message, UNREADABLE_IMAGE);
          throw err;
        }
      }
      const side = (i: number) => (i === 0 ? 'front' : 'back');
      return {
        passed: reports.every((r) => r.passed),
        scores: reports[0]!.scores,
        errors: reports.flatMap((r, i) => r.issues.map((issue) => ({ code: issue.code, message: `${side(i)} image: ${issue.message}` }))),
      };
    },

    /** OCR of the front and, if given, the back (ID cards carry their MRZ on the back). */
    async readDocument({ frontFileId, backFileId, docType }: { frontFileId: string; backFileId: string | null; docType: DocType }): Promise<DocumentRead> {
      const frontImage = await load(frontFileId);
      const front = await timed('kycflow_ocr_duration', () => reader.read(frontImage, { docType }));
      if (front.mrz?.valid || !backFileId) return summarise(front);
      // A card's MRZ is usually on the back: its printed fields on the front are what it is checked against.
      const backImage = await load(backFileId);
      const back = await timed('kycflow_ocr_duration', () => reader.read(backImage, { docType, vizImage: frontImage }));
      return summarise(pickBetter(front, back));
    },
    ...createDocumentFileActivities(db),
  };
}

/** File housekeeping: light, so the workflow worker runs it (no vision libraries needed). */
export function createDocumentFileActivities(db: Db) {
  return {
    /** Files of a refused or superseded upload are not kept. */
    async discardFiles({ fileIds }: { fileIds: string[] }): Promise<void> {
      await Promise.all(fileIds.map((fileId) => deleteFile(db, fileId)));
    },
  };
}

export type DocumentActivities = ReturnType<typeof createDocumentActivities>;

/** A side with a valid MRZ wins, then one whose check digits pass, then any MRZ, then the side with more fields read. */
function pickBetter(a: DocumentReadResult, b: DocumentReadResult): DocumentReadResult {
  const rank = (r: DocumentReadResult) =>
    (r.mrz?.valid ? 1000 : 0) + (r.mrz?.checkDigitsValid ? 500 : 0) + (r.mrz ? 100 : 0) + Object.values(r.fields).filter((v) => v !== null).length;
  return rank(b) > rank(a) ? b : a;
}

function summarise(result: DocumentReadResult): DocumentRead {
  const f = result.fields;
  const fields: DocumentFields = {
    name: f.name,
    idNumber: f.idNumber,
    birthDate: f.birthDate,
    expiryDate: f.expiryDate,
    issuer: f.issuer,
    nationality: f.nationality,
  };
  const confidence = Object.fromEntries(
    Object.entries(result.confidence).filter(([name]) => name in fields),
  ) as DocumentRead['confidence'];
  return {
    source: result.source,
    mrzFormat: result.mrz?.format ?? null,
    mrzValid: result.mrz ? result.mrz.valid : null,
    checkDigitsValid: result.mrz ? result.mrz.checkDigitsValid : null,
    crossCheck: result.crossCheck,
    fields,
    confidence,
    errors: result.issues.map((issue) => ({ code: issue.code, message: issue.message, ...(issue.field ? { field: issue.field } : {}) })),
  };
}
