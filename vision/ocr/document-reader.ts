/**
 * Document reader: the page levelled, then the MRZ first (found from the ink map or by an OCR
 * pass, cropped, OCR'd several ways, corrected by check digits), labelled visual-zone text as the
 * fallback. One warm tesseract pool serves every read.
 */
import { loadOriented, pagePng, rotateGrey, type GreyImage } from './image-prep.js';
import { estimateSkew } from './skew.js';
import { findMrzBands } from './mrz-bands.js';
import { locateMrz, type PageText } from './mrz-locate.js';
import { plausible, readMrzRegion, type MrzRead } from './mrz-read.js';
import { CHECK_FIELD } from './mrz-parse.js';
import { FORMATS } from './mrz-formats.js';
import { createTesseractPool, type TesseractPool } from './tesseract-pool.js';
import { extractVizFields } from './viz-fields.js';
import {
  emptyFields, type DocTypeHint, type DocumentReadResult, type DocumentReader, type FieldName, type ReadIssue,
} from './types.js';

export type {
  DocTypeHint, MrzFormat, ExtractedFields, FieldName, ReadIssue, DocumentReadResult, DocumentReader,
} from './types.js';

type Rotation = DocumentReadResult['rotation'];
const ROTATIONS: Rotation[] = [0, 90, 270, 180];
const UPRIGHT_TEXT_LINES = 6;

export async function createDocumentReader(opts?: { workers?: number }): Promise<DocumentReader> {
  const pool = await createTesseractPool(opts?.workers);
  return {
    read: (image, hint) => readDocument(pool, image, hint?.docType),
    close: () => pool.terminate(),
  };
}

async function readDocument(pool: TesseractPool, image: Buffer, docType?: DocTypeHint): Promise<DocumentReadResult> {
  const t0 = performance.now();
  const done = (r: Omit<DocumentReadResult, 'ms'>): DocumentReadResult => ({ ...r, ms: performance.now() - t0 });
  let base: GreyImage;
  try {
    base = await deskewed(await loadOriented(image));
  } catch (err) {
    return done({ ...noneResult(docType), issues: [{ code: 'UNREADABLE', message: `not a readable image: ${(err as Error).message}` }] });
  }
  const quick = await quickRead(pool, base);
  if (quick?.parsed.valid) return done(mrzResult(quick, 0));
  const { best, texty } = await searchTurns(pool, base, docType);
  // The located read is the better one when both fail; the quick one only when it alone found more.
  const pick = quick && (!best || score(quick) > score(best.read)) ? { read: quick, rotation: 0 as Rotation } : best;
  if (pick) return done(mrzResult(pick.read, pick.rotation));
  return done({ ...(await vizResult(pool, texty.img, docType)), rotation: texty.rotation });
}

/**
 * The OCR locating pass, turn by turn, while no valid MRZ is read: it stops at a plausible MRZ
 * whose check digits partly pass (the orientation is right, the read is poor or the print wrong),
 * or, where the document need not carry an MRZ, at an orientation with plenty of confident text
 * (the page is upright there). A passport's MRZ may run across an upright page (an open booklet
 * held sideways), so there every turn is tried.
 */
async function searchTurns(pool: TesseractPool, base: GreyImage, docType?: DocTypeHint) {
  const mrzRequired = docType === 'PASSPORT' || docType === 'VISA';
  let best: { read: MrzRead; rotation: Rotation } | null = null;
  let texty = { img: base, rotation: 0 as Rotation, lines: -1 };
  for (const rotation of ROTATIONS) {
    const img = rotation ? await rotateGrey(base, rotation) : base;
    const page: PageText = { lines: 0, confidence: 0 };
    const loc = await locateMrz(pool, img, page);
    if (page.lines > texty.lines) texty = { img, rotation, lines: page.lines };
    const read = loc ? await readMrzRegion(pool, img, loc) : null;
    if (read && (!best || score(read) > score(best.read))) best = { read, rotation };
    if (read?.parsed.valid) break;
    if ((!mrzRequired && page.lines >= UPRIGHT_TEXT_LINES) || (best && passing(best.read) >= 1 && plausible(best.read.parsed))) break;
  }
  return { best, texty };
}

/** The MRZ where the ink profiles put it, read without the OCR locating pass (most pages). */
async function quickRead(pool: TesseractPool, img: GreyImage): Promise<MrzRead | null> {
  const bands = await findMrzBands(img);
  if (!bands) return null;
  const block = { lines: [], formats: [], lineIdx: [] };
  return readMrzRegion(pool, img, { block, rect: bands.rect, angleDeg: 0, lineHeight: bands.lineHeight, confidence: 0 });
}

/** A photo taken at a slant is levelled first: tesseract's line finding fails past a few degrees. */
async function deskewed(img: GreyImage): Promise<GreyImage> {
  const skew = await estimateSkew(img);
  return skew ? rotateGrey(img, -skew) : img;
}

const passing = (r: MrzRead) => Object.values(r.parsed.checks).filter(Boolean).length;
const score = (r: MrzRead) => (r.parsed.valid ? 100 : 0) + passing(r) + (plausible(r.parsed) ? 10 : 0);

function mrzResult({ parsed, ocrConfidence }: MrzRead, rotation: Rotation): Omit<DocumentReadResult, 'ms'> {
  const issues: ReadIssue[] = [];
  const confidence: Partial<Record<FieldName, number>> = {};
  const checkedOk = new Map<FieldName, boolean>();
  for (const c of FORMATS[parsed.format].checks) {
    const field = CHECK_FIELD[c.name];
    const ok = parsed.checks[c.name] ?? false;
    if (field) checkedOk.set(field, ok);
    if (!ok) issues.push({ code: 'MRZ_CHECKSUM_MISMATCH', message: `MRZ check digit for ${c.name} does not match`, ...(field ? { field } : {}) });
  }
  if (parsed.checks.unconfirmedLines === false) {
    issues.push({ code: 'UNREADABLE', message: 'MRZ lines without check digits (name) were not read consistently', field: 'name' });
  }
  for (const [k, v] of Object.entries(parsed.fields) as Array<[FieldName, unknown]>) {
    if (v === null) continue;
    const ok = checkedOk.get(k);
    // A passing check digit is strong evidence; fields without one lean on overall validity.
    const c = ok === true ? 0.9 + 0.1 * ocrConfidence : ok === false ? 0.3 * ocrConfidence : (parsed.valid ? 0.7 : 0.4) + 0.2 * ocrConfidence;
    confidence[k] = round(c);
  }
  return {
    source: 'MRZ',
    mrz: { format: parsed.format, lines: parsed.lines, valid: parsed.valid, checks: parsed.checks },
    fields: parsed.fields, confidence, issues, rotation,
  };
}

async function vizResult(pool: TesseractPool, base: GreyImage, docType?: DocTypeHint): Promise<Omit<DocumentReadResult, 'ms'>> {
  const { png } = await pagePng(base, Math.max(1200, Math.min(2000, base.width)));
  const ocr = await pool.recognize(png, { psm: '3' });
  const { fields, confidence } = extractVizFields(ocr.lines);
  const found = Object.values(fields).some((v) => v !== null);
  const issues: ReadIssue[] = [];
  if (docType === 'PASSPORT' || docType === 'VISA') issues.push({ code: 'MRZ_NOT_FOUND', message: `no machine-readable zone found on a ${docType.toLowerCase()}` });
  if (!found) return { ...noneResult(docType), issues: [...issues, { code: 'UNREADABLE', message: 'no MRZ and no labelled fields could be read' }] };
  return { source: 'VIZ', mrz: null, fields, confidence, issues, rotation: 0 };
}

function noneResult(docType?: DocTypeHint): Omit<DocumentReadResult, 'ms'> {
  const issues: ReadIssue[] = docType === 'PASSPORT' ? [{ code: 'MRZ_NOT_FOUND', message: 'no machine-readable zone found on a passport' }] : [];
  return { source: 'NONE', mrz: null, fields: emptyFields(), confidence: {}, issues, rotation: 0 };
}

const round = (x: number) => Math.round(x * 100) / 100;
