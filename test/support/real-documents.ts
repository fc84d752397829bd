/** Real specimen documents from ../shared/fixtures (absent in a user's clone: callers skip). */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { FIXTURES_DIR } from './fixtures-dir.js';

export { FIXTURES_DIR };

export interface RealDocument {
  path: string; // absolute
  name: string;
  kind: 'passport' | 'id' | 'visa' | 'other_document';
  mrzLines: string[] | null;
  checkDigitsValid: boolean | null; // all printed check digits valid; null without an ICAO MRZ
  icao: boolean; // MRZ in an ICAO 9303 layout this reader handles
}

export function fixturesMissing(): string | false {
  const manifest = path.join(FIXTURES_DIR, 'real', 'MANIFEST.json');
  return existsSync(manifest) ? false : `../shared/fixtures not found: ${manifest}`;
}

export function realDocuments(): RealDocument[] {
  const manifest = JSON.parse(readFileSync(path.join(FIXTURES_DIR, 'real', 'MANIFEST.json'), 'utf8')) as {
    files: Array<{ path: string; kind: string; ground_truth?: { mrz_lines?: string[] | null; mrz_format?: string; check_digits_valid_as_printed?: Record<string, boolean> } }>;
  };
  return manifest.files
    .filter((f) => ['passport', 'id', 'visa', 'other_document'].includes(f.kind))
    .map((f) => {
      const gt = f.ground_truth ?? {};
      const checks = gt.check_digits_valid_as_printed;
      return {
        path: path.join(FIXTURES_DIR, 'real', f.path),
        name: path.basename(f.path),
        kind: f.kind as RealDocument['kind'],
        mrzLines: gt.mrz_lines ?? null,
        checkDigitsValid: checks ? Object.values(checks).every(Boolean) : null,
        icao: ['TD1', 'TD2', 'TD3', 'MRV-A', 'MRV-B'].includes(gt.mrz_format ?? ''),
      };
    });
}
