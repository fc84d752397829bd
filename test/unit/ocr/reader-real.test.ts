import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createDocumentReader, type DocumentReadResult } from '../../../vision/ocr/document-reader.js';
import { fixturesMissing, realDocuments, type RealDocument } from '../../support/real-documents.js';

// Measured rates minus a margin; see bench/ocr.bench.ts for the current numbers.
const MIN_EXACT_LINE_RATE = 0.8; // measured 0.860

const missing = fixturesMissing();

describe('document reader on real specimens', { skip: missing || false }, () => {
  const results = new Map<string, DocumentReadResult>();
  let docs: RealDocument[] = [];
  before(async () => {
    docs = realDocuments();
    const reader = await createDocumentReader();
    try {
      for (const d of docs) results.set(d.name, await reader.read(await readFile(d.path)));
    } finally {
      await reader.close();
    }
  });
  after(() => results.clear());

  it('never reports a wrong MRZ as valid', () => {
    for (const d of docs) {
      const r = results.get(d.name)!;
      if (!r.mrz?.valid) continue;
      assert.deepEqual(r.mrz.lines, d.mrzLines, `${d.name}: valid but not what is printed`);
    }
  });

  it('never validates a document whose printed check digits are wrong', () => {
    for (const d of docs.filter((x) => x.checkDigitsValid === false)) {
      const r = results.get(d.name)!;
      assert.notEqual(r.mrz?.valid, true, d.name);
      if (r.mrz) assert.ok(r.issues.some((i) => i.code === 'MRZ_CHECKSUM_MISMATCH'), `${d.name}: no checksum issue`);
    }
  });

  it(`reads at least ${MIN_EXACT_LINE_RATE * 100} % of ICAO MRZ lines exactly`, () => {
    let exact = 0, total = 0;
    for (const d of docs.filter((x) => x.icao)) {
      const got = results.get(d.name)!.mrz?.lines ?? [];
      d.mrzLines!.forEach((l, i) => { total++; if (got[i] === l) exact++; });
    }
    assert.ok(exact / total >= MIN_EXACT_LINE_RATE, `${exact}/${total} lines exact`);
  });

  it('finds no MRZ on the negative sample', () => {
    for (const d of docs.filter((x) => x.kind === 'other_document')) {
      assert.equal(results.get(d.name)!.mrz, null, d.name);
    }
  });
});

if (missing) describe('document reader on real specimens', () => it('skipped', { skip: missing }, () => {}));
