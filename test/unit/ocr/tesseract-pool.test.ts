import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTesseractPool } from '../../../vision/ocr/tesseract-pool.js';
import { loadOriented, pagePng } from '../../../vision/ocr/image-prep.js';
import { generateDocument } from '../../support/synthetic-documents.js';

/** What the process writes to stdout and stderr while `run` runs (a worker thread's output included). */
async function captured(run: () => Promise<void>): Promise<string> {
  const out: string[] = [];
  const streams = [process.stdout, process.stderr];
  const writes = streams.map((s) => s.write.bind(s));
  streams.forEach((s, i) => {
    s.write = ((chunk: unknown, ...rest: never[]) => { out.push(String(chunk)); return writes[i]!(chunk as string, ...rest); }) as typeof s.write;
  });
  try {
    await run();
    await new Promise((r) => setTimeout(r, 300)); // a worker thread's output reaches the parent's streams asynchronously
  } finally {
    streams.forEach((s, i) => { s.write = writes[i]!; });
  }
  return out.join('');
}

describe('tesseract pool', () => {
  it("reads a page without writing tesseract's diagnostics to the process log", async () => {
    const pool = await createTesseractPool(1);
    try {
      // A page as the reader hands it over: a PNG with no resolution, which tesseract estimates aloud.
      const { png } = await pagePng(await loadOriented((await generateDocument({ kind: 'TD3', seed: 11 })).png), 800);
      let lines = 0;
      const log = await captured(async () => { lines = (await pool.recognize(png, { psm: '11' })).lines.length; });
      assert.ok(lines > 5, 'the page is read');
      assert.doesNotMatch(log, /resolution|diacritics|Warning/i);
    } finally {
      await pool.terminate();
    }
  });
});
