/**
 * OCR benchmark: MRZ read rates, field accuracy, wrongly accepted documents and timing per fixture
 * set (synthetic clean TD3 / TD1, synthetic degraded, real specimens from ../shared/fixtures),
 * plus native tesseract on the same MRZ crops for a js/native speed ratio.
 *   npm run bench:ocr [-- --n 20] [--verbose] [--only real]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDocumentReader, type DocTypeHint, type DocumentReader, type ExtractedFields } from '../vision/ocr/document-reader.js';
import { loadOriented, cropPng } from '../vision/ocr/image-prep.js';
import { locateMrz } from '../vision/ocr/mrz-locate.js';
import { createTesseractPool, MRZ_WHITELIST } from '../vision/ocr/tesseract-pool.js';
import { DEGRADATIONS, generateDocument, MRZ_FONT_NOTE } from '../test/support/synthetic-documents.js';
import { fixturesMissing, realDocuments } from '../test/support/real-documents.js';

interface Sample { name: string; image: Buffer; lines: string[] | null; fields?: ExtractedFields; docType?: DocTypeHint }
interface Row { set: string; n: number; valid: number; exactDocs: number; exactLines: number; totalLines: number; fieldOk: number; fieldTotal: number; wrong: number; ms: number[] }

const N = Number(process.argv[process.argv.indexOf('--n') + 1]) || 12;
const VERBOSE = process.argv.includes('--verbose'); // one line per document, with the lines misread
const ONLY = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;

async function synthetic(kind: 'TD3' | 'TD1', degraded: boolean): Promise<Sample[]> {
  const out: Sample[] = [];
  for (let i = 0; i < N; i++) {
    const degrade = degraded ? DEGRADATIONS[i % DEGRADATIONS.length] : undefined;
    const d = await generateDocument({ kind, seed: 1000 + i, degrade });
    out.push({ name: `${kind}-${i}${degrade ? '-' + degrade : ''}`, image: d.png, lines: d.truth.mrzLines, fields: d.truth.fields, docType: kind === 'TD3' ? 'PASSPORT' : 'ID_CARD' });
  }
  return out;
}

async function measure(reader: DocumentReader, set: string, samples: Sample[]): Promise<Row> {
  const row: Row = { set, n: samples.length, valid: 0, exactDocs: 0, exactLines: 0, totalLines: 0, fieldOk: 0, fieldTotal: 0, wrong: 0, ms: [] };
  for (const s of samples) {
    const r = await reader.read(s.image, { docType: s.docType }); // the API always knows the declared type
    row.ms.push(r.ms);
    const got = r.mrz?.lines ?? [];
    const exact = s.lines !== null && JSON.stringify(got) === JSON.stringify(s.lines);
    if (r.mrz?.valid) { row.valid++; if (!exact) { row.wrong++; console.log(`  WRONGLY ACCEPTED ${s.name}: ${got.join(' | ')}`); } }
    if (exact) row.exactDocs++;
    for (const [i, l] of (s.lines ?? []).entries()) { row.totalLines++; if (got[i] === l) row.exactLines++; }
    if (VERBOSE) report(s, got, r.mrz?.valid ?? false, r.ms);
    if (s.fields) for (const [k, v] of Object.entries(s.fields)) { row.fieldTotal++; if (r.fields[k as keyof ExtractedFields] === v) row.fieldOk++; }
  }
  return row;
}

function report(s: Sample, got: string[], valid: boolean, ms: number) {
  const want = s.lines ?? [];
  const ok = want.filter((l, i) => got[i] === l).length;
  console.log(`${s.name}: ${ok}/${want.length} lines exact, ${valid ? 'valid' : 'invalid'}, ${ms.toFixed(0)} ms`);
  want.forEach((l, i) => { if (got[i] !== l) console.log(`    want ${l}\n    got  ${got[i] ?? '(none)'}`); });
}

const DOC_TYPES: Record<string, DocTypeHint | undefined> = { passport: 'PASSPORT', id: 'ID_CARD', visa: 'VISA' };

const pct = (a: number, b: number) => (b ? `${((100 * a) / b).toFixed(1)} %` : '-');
const quantile = (xs: number[], q: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0; };

function table(rows: Row[]) {
  const head = ['set', 'n', 'MRZ valid', 'exact docs', 'exact lines', 'fields', 'wrong accepted', 'median ms', 'p95 ms'];
  const body = rows.map((r) => [r.set, String(r.n), pct(r.valid, r.n), pct(r.exactDocs, r.n), pct(r.exactLines, r.totalLines), pct(r.fieldOk, r.fieldTotal), String(r.wrong), quantile(r.ms, 0.5).toFixed(0), quantile(r.ms, 0.95).toFixed(0)]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const fmt = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ');
  console.log(fmt(head)); console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const b of body) console.log(fmt(b));
}

/** The same MRZ crops through tesseract.js and the native CLI (LSTM, same whitelist and PSM). */
async function nativeComparison(samples: Sample[]) {
  if (spawnSync('tesseract', ['--version']).status !== 0) { console.log('\nnative tesseract: binary not found (apt-get install tesseract-ocr), comparison skipped'); return; }
  const pool = await createTesseractPool(1);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ocr-bench-'));
  let js = 0, native = 0, n = 0;
  try {
    for (const s of samples) {
      const img = await loadOriented(s.image);
      const loc = await locateMrz(pool, img);
      if (!loc) continue;
      const { png } = await cropPng(img, loc.rect, { angleDeg: loc.angleDeg, scale: Math.min(4, 44 / loc.lineHeight), binarise: true });
      const file = path.join(dir, 'crop.png');
      writeFileSync(file, png);
      let t = performance.now();
      await pool.recognize(png, { psm: '6', whitelist: MRZ_WHITELIST });
      js += performance.now() - t;
      t = performance.now();
      execFileSync('tesseract', [file, 'stdout', '--oem', '1', '--psm', '6', '-l', 'eng', '-c', `tessedit_char_whitelist=${MRZ_WHITELIST}`], { stdio: 'pipe', env: { ...process.env, OMP_THREAD_LIMIT: '1' } });
      native += performance.now() - t;
      n++;
    }
  } finally { await pool.terminate(); rmSync(dir, { recursive: true, force: true }); }
  console.log(`\nMRZ crop OCR on ${n} crops, one thread each: tesseract.js ${(js / n).toFixed(0)} ms, native ${(native / n).toFixed(0)} ms (native includes process start), js/native = ${(js / native).toFixed(2)}`);
}

async function main() {
  console.log(`OCR benchmark: ${os.availableParallelism()} cores, ${N} synthetic documents per set; ${MRZ_FONT_NOTE}`);
  const sets: Array<[string, Sample[]]> = [
    ['synthetic TD3 clean', await synthetic('TD3', false)],
    ['synthetic TD1 clean', await synthetic('TD1', false)],
    ['synthetic TD3 degraded', await synthetic('TD3', true)],
  ];
  const missing = fixturesMissing();
  if (missing) console.log(`real specimens skipped: ${missing}`);
  else sets.push(['real specimens', realDocuments().filter((d) => d.icao || d.kind === 'other_document').map((d) => ({ name: d.name, image: readFileSync(d.path), lines: d.mrzLines, docType: DOC_TYPES[d.kind] }))]);
  const reader = await createDocumentReader();
  await reader.read(sets[0]![1][0]!.image); // warm-up
  const rows: Row[] = [];
  for (const [name, samples] of sets) if (!ONLY || name.includes(ONLY)) rows.push(await measure(reader, name, samples));
  await reader.close();
  console.log('');
  table(rows);
  console.log(`\npeak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
  if (!ONLY) await nativeComparison(sets[0]![1].slice(0, 6));
}

await main();
