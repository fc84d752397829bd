/**
 * Document reader: the page levelled, the MRZ found (from the ink map, else by an OCR locating
 * pass) and read by the trained line recognizer, checked with the `mrz` package, and compared with
 * the printed visual zone. Without an MRZ, labelled visual-zone fields are read. One warm
 * tesseract pool (locating pass, visual zone) and one recognizer serve every read.
 */
import { clampRect, loadOriented, pagePng, rotateGrey, type GreyImage, type Rect } from './image-prep.js';
import { estimateSkew } from './skew.js';
import { findMrzBands } from './mrz-bands.js';
import { locateMrz, type PageText } from './mrz-locate.js';
import { readMrzLines, type MrzRead } from './mrz-read.js';
import { CHECK_FIELD, type Span } from './mrz-parse.js';
import { loadMrzRecognizer, type MrzRecognizer } from './mrz-recognizer.js';
import { createTesseractPool, type OcrLine, type TesseractPool } from './tesseract-pool.js';
import { crossCheck, type CrossCheck } from './viz-crosscheck.js';
import { extractVizFields } from './viz-fields.js';
import {
  emptyFields, type DocTypeHint, type DocumentReadResult, type DocumentReader, type FieldName, type ReadIssue,
} from './types.js';

export type {
  DocTypeHint, MrzFormat, ExtractedFields, FieldName, ReadIssue, DocumentReadResult, DocumentReader,
} from './types.js';
export type { CrossCheck, FieldCheck } from './viz-crosscheck.js';

type Rotation = DocumentReadResult['rotation'];
const UPRIGHT_TEXT_LINES = 6;
const VIZ_WIDTH = 900; // printed names stay ≥ 12 px high; wider only costs time

/**
 * Confidence a character no check digit covers must reach to stand on its own. From the
 * calibration table of `npm run bench:ocr` (README): at or above these, the field was right
 * ≥ 99.5 % of the time on the synthetic and real sets.
 */
export const DEFAULT_SURE = { name: 0.99, unchecked: 0.9 };

export interface ReaderOptions {
  workers?: number;
  /** Name confidence that approves without the visual zone's confirmation. */
  nameSureConfidence?: number;
}

interface Ctx { pool: TesseractPool; recognizer: MrzRecognizer; sure: { name: number; unchecked: number } }

export async function createDocumentReader(opts: ReaderOptions = {}): Promise<DocumentReader> {
  const [pool, recognizer] = await Promise.all([createTesseractPool(opts.workers), loadMrzRecognizer()]);
  const ctx: Ctx = { pool, recognizer, sure: { ...DEFAULT_SURE, ...(opts.nameSureConfidence !== undefined ? { name: opts.nameSureConfidence } : {}) } };
  return {
    read: (image, hint) => readDocument(ctx, image, hint?.docType, hint?.vizImage),
    close: () => pool.terminate(),
  };
}

interface Found { read: MrzRead; img: GreyImage; rotation: Rotation; rect: Rect }

async function readDocument(ctx: Ctx, image: Buffer, docType?: DocTypeHint, vizImage?: Buffer): Promise<DocumentReadResult> {
  const t0 = performance.now();
  const done = (r: Omit<DocumentReadResult, 'ms'>): DocumentReadResult => ({ ...r, ms: performance.now() - t0 });
  let base: GreyImage;
  try {
    base = await deskewed(await loadOriented(image));
  } catch (err) {
    return done({ ...noneResult(docType), issues: [{ code: 'UNREADABLE', message: `not a readable image: ${(err as Error).message}` }] });
  }
  let best: Found | null = null;
  let viz: Promise<OcrLine[]> | null = vizImage ? otherSide(ctx.pool, vizImage) : null;
  // The ink map first, turn by turn: cheap, and it finds most MRZs. The visual zone is OCR'd on a
  // tesseract worker meanwhile, for the cross-check.
  for (const rotation of [0, 180, 90, 270] as Rotation[]) {
    const img = rotation ? await rotateGrey(base, rotation) : base;
    const bands = await findMrzBands(img);
    if (!bands) continue;
    if (!best && !vizImage) viz = vizLines(ctx.pool, img, bands.rect);
    const read = await readMrzLines(ctx.recognizer, img, bands.boxes);
    if (read && (!best || score(read) > score(best.read))) {
      if (best && best.rotation !== rotation && !vizImage) viz = null;
      best = { read, img, rotation, rect: bands.rect };
    }
    if (best?.read.parsed.valid) break;
  }
  let texty = { img: base, rotation: 0 as Rotation, lines: -1 };
  if (!best?.read.parsed.valid) {
    const located = await searchTurns(ctx, base, docType);
    texty = located.texty;
    if (located.best && (!best || score(located.best.read) > score(best.read))) { best = located.best; if (!vizImage) viz = null; }
  }
  if (best && plausible(best.read)) {
    const lines = await (viz ?? vizLines(ctx.pool, best.img, best.rect));
    return done(mrzResult(ctx, best, lines));
  }
  return done({ ...(await vizResult(ctx.pool, texty.img, docType)), rotation: texty.rotation });
}

/**
 * The OCR locating pass, turn by turn, for pages where the ink map found no MRZ that reads: the
 * region tesseract takes for an MRZ is searched for its lines with the ink map, then read.
 * Stops at a valid read, or where the document need not carry an MRZ, at an orientation with
 * plenty of confident text (the page is upright there).
 */
async function searchTurns(ctx: Ctx, base: GreyImage, docType?: DocTypeHint) {
  const mrzRequired = docType === 'PASSPORT' || docType === 'VISA';
  let best: Found | null = null;
  let texty = { img: base, rotation: 0 as Rotation, lines: -1 };
  for (const rotation of [0, 90, 270, 180] as Rotation[]) {
    const img = rotation ? await rotateGrey(base, rotation) : base;
    const page: PageText = { lines: 0, confidence: 0 };
    const loc = await locateMrz(ctx.pool, img, page);
    if (page.lines > texty.lines) texty = { img, rotation, lines: page.lines };
    if (loc) {
      const found = await readRegion(ctx, img, loc.rect, loc.lineHeight);
      if (found && (!best || score(found.read) > score(best.read))) best = { ...found, rotation };
    }
    if (best?.read.parsed.valid) break;
    if (!mrzRequired && page.lines >= UPRIGHT_TEXT_LINES) break;
  }
  return { best, texty };
}

/** The ink map inside a located region (widened by a few lines) finds its lines one by one. */
async function readRegion(ctx: Ctx, img: GreyImage, rect: Rect, lineHeight: number) {
  const pad = lineHeight * 1.5;
  const r = clampRect({ left: rect.left - pad, top: rect.top - pad, width: rect.width + 2 * pad, height: rect.height + 2 * pad }, img);
  const sub = await cropGrey(img, r);
  const bands = await findMrzBands(sub);
  if (!bands) return null;
  const boxes = bands.boxes.map((b) => ({ ...b, left: b.left + r.left, top: b.top + r.top }));
  const read = await readMrzLines(ctx.recognizer, img, boxes);
  return read ? { read, img, rect: { ...bands.rect, left: bands.rect.left + r.left, top: bands.rect.top + r.top } } : null;
}

async function cropGrey(img: GreyImage, r: Rect): Promise<GreyImage> {
  const sharp = (await import('sharp')).default;
  const { data, info } = await sharp(img.data, { raw: { width: img.width, height: img.height, channels: 1 } }).extract(r).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** The page above the MRZ (the visual zone), OCR'd as sparse text. */
async function vizLines(pool: TesseractPool, img: GreyImage, mrz: Rect): Promise<OcrLine[]> {
  const top = clampRect({ left: 0, top: 0, width: img.width, height: Math.max(mrz.top, img.height * 0.3) }, img);
  const page = top.height < img.height ? await cropGrey(img, top) : img;
  const { png } = await pagePng(page, Math.min(VIZ_WIDTH, Math.max(800, page.width)));
  return (await pool.recognize(png, { psm: '11' })).lines;
}

/** The other side of a card, whole, as its visual zone (never fails the read: unread instead). */
async function otherSide(pool: TesseractPool, image: Buffer): Promise<OcrLine[]> {
  try {
    const img = await deskewed(await loadOriented(image));
    const { png } = await pagePng(img, Math.min(VIZ_WIDTH, Math.max(800, img.width)));
    return (await pool.recognize(png, { psm: '11' })).lines;
  } catch {
    return [];
  }
}

/** A slant photo is levelled first: line finding fails past a few degrees. */
async function deskewed(img: GreyImage): Promise<GreyImage> {
  const skew = await estimateSkew(img);
  return skew ? rotateGrey(img, -skew) : img;
}

const passing = (r: MrzRead) => Object.values(r.parsed.checks).filter(Boolean).length;
const score = (r: MrzRead) => (r.parsed.valid ? 100 : 0) + passing(r) + r.quality;
/** Something worth reporting as an MRZ: valid, or at least one check digit passing on a clean read. */
const plausible = (r: MrzRead) => r.parsed.valid || (passing(r) >= 1 && r.quality > -1.5);

function minConfidence(read: MrzRead, spans: Span[] | undefined): number {
  let min = 1;
  for (const s of spans ?? []) for (let p = s.start; p < s.end; p++) min = Math.min(min, read.confidence[s.line]?.[p] ?? 0);
  return min;
}

function mrzResult(ctx: Ctx, found: Found, viz: OcrLine[]): Omit<DocumentReadResult, 'ms'> {
  const { read, rotation } = found;
  const { parsed } = read;
  const issues: ReadIssue[] = [];
  for (const [name, ok] of Object.entries(parsed.checks)) {
    const field = CHECK_FIELD[name];
    if (!ok) issues.push({ code: 'MRZ_CHECKSUM_MISMATCH', message: `MRZ check digit for ${name} does not match`, ...(field ? { field } : {}) });
  }
  for (const p of parsed.problems.filter((x) => !/CheckDigit$/.test(x.field))) issues.push({ code: 'UNREADABLE', message: `MRZ ${p.field}: ${p.message}` });
  const confidence: Partial<Record<FieldName, number>> = {};
  for (const [field, spans] of Object.entries(parsed.fieldSpans) as Array<[FieldName, Span[]]>) confidence[field] = round(minConfidence(read, spans));
  const nameConfidence = confidence.name ?? 0;
  const unchecked = Math.min(...(['documentCode', 'issuer', 'nationality', 'sex'] as FieldName[]).map((f) => confidence[f] ?? 1));
  const truncatedName = (parsed.fieldSpans.name ?? []).some((s) => parsed.lines[s.line]![s.end - 1] !== '<');
  const check: CrossCheck = crossCheck(parsed.fields, viz, { truncatedName });
  const mismatched = Object.entries(check).filter(([, v]) => v === 'mismatch').map(([k]) => k);
  for (const f of mismatched) issues.push({ code: 'VIZ_MISMATCH', message: `the printed ${f} differs from the MRZ`, field: f as FieldName });
  const nameConfirmed = check.surname === 'match' && (check.givenNames === 'match' || !parsed.fields.givenNames);
  const nameSure = nameConfirmed || nameConfidence >= ctx.sure.name;
  if (parsed.valid && !nameSure) issues.push({ code: 'UNREADABLE', message: 'the MRZ name was not read surely and the visual zone did not confirm it', field: 'name' });
  const valid = parsed.valid && nameSure && unchecked >= ctx.sure.unchecked && mismatched.length === 0;
  return {
    source: 'MRZ',
    mrz: { format: parsed.format, lines: parsed.lines, valid, checkDigitsValid: parsed.valid, checks: parsed.checks, nameConfidence },
    fields: parsed.fields, confidence, issues, crossCheck: check, rotation,
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
  return { source: 'VIZ', mrz: null, fields, confidence, issues, crossCheck: null, rotation: 0 };
}

function noneResult(docType?: DocTypeHint): Omit<DocumentReadResult, 'ms'> {
  const issues: ReadIssue[] = docType === 'PASSPORT' ? [{ code: 'MRZ_NOT_FOUND', message: 'no machine-readable zone found on a passport' }] : [];
  return { source: 'NONE', mrz: null, fields: emptyFields(), confidence: {}, issues, crossCheck: null, rotation: 0 };
}

const round = (x: number) => Math.round(x * 1000) / 1000;
