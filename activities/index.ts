import type { Db } from 'mongodb';
import type { Config } from '../config/config.js';
import { createDocumentActivities } from './document.activities.js';
import type { DocumentReader } from './ocr/document-reader.js';
import { createPaymentActivities } from './payment.activities.js';
import { createReadModelActivities } from './read-model.activities.js';

export interface ActivityDeps {
  config: Pick<Config, 'PAYMENTS_BASE_URL' | 'PAYMENTS_API_KEY'>;
  db: Db;
  /** One warm OCR pool per worker process. */
  documentReader: DocumentReader;
}

/** Every activity the worker registers, built from its dependencies (real or simulated in tests). */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createReadModelActivities(deps.db),
    ...createDocumentActivities({ db: deps.db, reader: deps.documentReader }),
    ...createPaymentActivities(deps.db, { baseUrl: deps.config.PAYMENTS_BASE_URL, apiKey: deps.config.PAYMENTS_API_KEY }),
  };
}
