import type { Db } from 'mongodb';
import { createDocumentActivities } from './document.activities.js';
import type { DocumentReader } from './ocr/document-reader.js';
import { createReadModelActivities } from './read-model.activities.js';

export interface ActivityDeps {
  db: Db;
  /** One warm OCR pool per worker process. */
  documentReader: DocumentReader;
}

/** Every activity the worker registers, built from its dependencies (real or simulated in tests). */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createReadModelActivities(deps.db),
    ...createDocumentActivities({ db: deps.db, reader: deps.documentReader }),
  };
}
