/**
 * Document reader: the page levelled, the MRZ found (from the ink map, else by an OCR locating
 * pass) and read by the trained line recognizer, checked with the `mrz` package, and compared with
 * the printed visual zone. Without an MRZ, labelled visual-zone fields are read. One warm
 * tesseract pool (locating pass, visual zone) and one recognizer serve every read.
 */
import { clampRect, loadOriented, pagePng, rotateGrey, type GreyImage, type Rect } from './image-prep.js';
import { estimateSkew } from './skew.js';
import { findMrzBands, findMrzCandidates, type MrzBands } from './mrz-bands.js';
import { locateMrz, type PageText } from './mrz-locate.js';
import { MRZ_QUALITY, passing, readMrzLines, type MrzRead } from './mrz-read.js';
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
const VIZ_WIDTH = 800; // printed names stay ≥ 12 px high; wider only costs time
const VIZ_MIN_WIDTH = 640;
const PHOTO_WIDTH = 900;
const VIZ_PAGE_HEIGHT = 0.75; // of the MRZ's width
/** Gaussian sigmas (px at the ink map's width) of the smoothed looks for the MRZ's lines. */
const SMOOTHINGS = [0.8, 2];

/**
 * Confidence a character no check digit covers must reach to stand on its own. From the
 * calibration table of `npm run bench:ocr` (README): at or above these, the field was right
 * ≥ 99.5 % of the time on the synthetic and real sets.
 */
export const DEFAULT_SURE = { name: 0.995, unchecked: 0.9 };

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
  let page: GreyImage, base: GreyImage;
  let asLoaded: Promise<MrzBands[]>;
  try {
    page = await loadOriented(image);
    // Most pages need no levelling: the ink map of the page as loaded starts beside the skew
    // estimate (sharp works on another thread) and serves if the page stays as it is.
    asLoaded = findMrzCandidates(page, 3, 0);
    asLoaded.catch(() => undefined); // unused when the levelled page reads
    base = await deskewed(page);
  } catch (err) {
    return done({ ...noneResult(docType), issues: [{ code: 'UNREADABLE', message: `not a readable image: ${(err as Error).message}` }] });
  }
  const otherSideLines = vizImage ? otherSide(ctx.pool, vizImage) : null; // a card's other side: needed whatever the MRZ
  const turns = turnsOf(base);
  // The ink map's looks, each only where those before found no MRZ that reads: the luminance page;
  // its black ink (coloured security print behind the MRZ merges with its lines in luminance; the
  // MRZ is black, dark in every channel); the luminance page smoothed (screen moiré, JPEG blocks and
  // other fine periodic texture fill the ink map between and across the lines, which a fine or a
  // coarse blur flattens while the glyphs stay; the lines are still read unsmoothed).
  const looks: Array<{ turns: () => Promise<Turns>; smooth: number; upright?: Promise<MrzBands[]> }> = [
    { turns: async () => turns, smooth: 0, upright: base === page ? asLoaded : undefined },
    { turns: async () => turnsOf(await deskewed(await loadOriented(image, { blackInk: true }))), smooth: 0 },
    ...SMOOTHINGS.map((smooth) => ({ turns: async () => turns, smooth })),
  ];
  // A skew estimate can be wrong: fine stripes at a slant (moiré, guilloché) can outweigh the text
  // lines. Where the levelled page shows no MRZ that reads, the page as loaded is looked at too.
  if (base !== page) {
    const unlevelled = turnsOf(page);
    looks.push(...[0, ...SMOOTHINGS].map((smooth) => ({ turns: async () => unlevelled, smooth, upright: smooth ? undefined : asLoaded })));
  }
  // The visual zone above the first MRZ-like lines is OCR'd on a tesseract worker while the
  // recognizer reads them (the ink map's first find is nearly always the answer).
  let viz = vizImage ? null : new VizCache(ctx.pool);
  const lined = new Set<Rotation>();
  let best: Found | null = null;
  for (const [i, look] of looks.entries()) {
    if (best && plausible(best.read)) break;
    const lookViz = i === 0 || vizImage ? viz : new VizCache(ctx.pool);
    const found = await inkMapRead(ctx, await look.turns(), lookViz, lined, look.smooth, look.upright);
    // The first look's read is kept even when implausible (its turn may still help locate); a
    // later look replaces it only with a plausible, better read.
    if (found && (i === 0 || plausible(found.read)) && (!best || score(found.read) > score(best.read))) [best, viz] = [found, lookViz];
  }
  let texty = { img: base, rotation: 0 as Rotation, lines: -1 };
  if (!best || !oriented(best.read)) {
    const known = best && best.read.quality > MRZ_QUALITY ? best.rotation : undefined;
    const located = await searchTurns(ctx, turns, locateTurns(docType, known, [...lined]));
    texty = located.texty;
    if (located.best && (!best || score(located.best.read) > score(best.read))) best = located.best;
  }
  if (best && plausible(best.read)) {
    // Failing check digits refuse the upload whatever is printed: the visual zone is not waited for.
    if (!best.read.parsed.valid) return done(mrzResult(ctx, best, []));
    const lines = await (otherSideLines ?? viz!.lines(best));
    const result = mrzResult(ctx, best, lines);
    if (otherSideLines || !onlyNameUnconfirmed(result)) return done(result);
    // A second, independent look at the printed text (the whole photo above the MRZ, another
    // scale) only where it decides automatic approval: tesseract misses words at one scale it
    // reads at another.
    return done(mrzResult(ctx, best, [...lines, ...(await photoAboveLines(ctx.pool, best.img, best.rect))]));
  }
  return done({ ...(await vizResult(ctx.pool, texty.img, docType)), rotation: texty.rotation });
}

/** Check digits passing that show the page's orientation found: no other turn reads it better. */
const ORIENTED_CHECKS = 2;

/**
 * The ink map, turn by turn (cheap: it finds most MRZs), each turn's candidate line groups read
 * by the recognizer. Stops at a valid read, or once a read shows the orientation. Adds to `lined`
 * the turns at which it saw MRZ-like line groups. `upright`: the groups of turn 0, if already sought.
 */
async function inkMapRead(ctx: Ctx, turns: Turns, viz: VizCache | null, lined: Set<Rotation>, smooth = 0, upright?: Promise<MrzBands[]>): Promise<Found | null> {
  let best: Found | null = null;
  for (const rotation of [0, 180, 90, 270] as Rotation[]) {
    const img = await turns(rotation);
    const groups = await ((rotation === 0 && upright) || findMrzCandidates(img, 3, smooth));
    if (groups.length) lined.add(rotation);
    for (const bands of groups) {
      viz?.start({ img, rotation, rect: bands.rect }, true);
      const read = await readMrzLines(ctx.recognizer, img, bands.boxes);
      if (read && (!best || score(read) > score(best.read))) best = { read, img, rotation, rect: bands.rect };
      if (best?.read.parsed.valid) return best;
    }
    if (best && oriented(best.read)) return best;
  }
  return best;
}

/**
 * The OCR locating pass for pages where the ink map found no MRZ that reads: the region
 * tesseract takes for an MRZ is searched for its lines with the ink map, then read. At the
 * turns `locateTurns` allows, stopping at a valid read or at a turn with plenty of confident
 * upright text (the page is upright there, so the other turns would only show it sideways).
 */
async function searchTurns(ctx: Ctx, turns: Turns, allowed: Rotation[]) {
  let best: Found | null = null;
  let texty = { img: await turns(0), rotation: 0 as Rotation, lines: -1 };
  for (const rotation of allowed) {
    const img = await turns(rotation);
    const page: PageText = { lines: 0, confidence: 0 };
    const loc = await locateMrz(ctx.pool, img, page);
    if (page.lines > texty.lines) texty = { img, rotation, lines: page.lines };
    if (loc) {
      const found = await readRegion(ctx, img, loc.rect, loc.lineHeight);
      if (found && (!best || score(found.read) > score(best.read))) best = { ...found, rotation };
    }
    if (best?.read.parsed.valid) break;
    if (page.lines >= UPRIGHT_TEXT_LINES) break;
  }
  return { best, texty };
}

/**
 * Where the locating pass runs (each pass is a page of tesseract: seconds). The ink map has
 * already looked at all four turns; measured on the real and hard synthetic sets, this pass never
 * once turned a miss into a read. So: the turn the ink map found, else only upright for a passport
 * or visa (no MRZ means no answer there anyway); a document that may carry none (a licence, a card's
 * front) is searched for its upright text, which its printed fields are read from: only the two
 * opposite turns at which the ink map saw long lines run across the page (`lined`), where it saw
 * them at one such pair only; else all four.
 */
export function locateTurns(docType: DocTypeHint | undefined, known: Rotation | undefined, lined: Rotation[] = []): Rotation[] {
  if (known !== undefined) return [known];
  if (docType === 'PASSPORT' || docType === 'VISA') return [0];
  const all: Rotation[] = [0, 90, 270, 180];
  const across = (r: Rotation) => r % 180 === lined[0]! % 180;
  return lined.length && lined.every(across) ? all.filter(across) : all;
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

/**
 * Visual-zone reads by where the MRZ was found: the first find's read starts at once (on a
 * tesseract worker, beside the recognizer); a later, better find gets its own.
 */
class VizCache {
  private readonly reads = new Map<string, Promise<OcrLine[]>>();
  constructor(private readonly pool: TesseractPool) {}

  start(at: Omit<Found, 'read'>, onlyFirst = false): void {
    const key = `${at.rotation}:${at.rect.left},${at.rect.top}`;
    if (this.reads.has(key) || (onlyFirst && this.reads.size > 0)) return;
    const read = vizLines(this.pool, at.img, at.rect);
    read.catch(() => undefined); // a read nobody waits for must not fail the process
    this.reads.set(key, read);
  }

  lines(at: Omit<Found, 'read'>): Promise<OcrLine[]> {
    this.start(at);
    return this.reads.get(`${at.rotation}:${at.rect.left},${at.rect.top}`)!;
  }
}

/**
 * The visual zone: the page above the MRZ, as wide as the MRZ and at most as high as a data page
 * (ICAO 9303: TD1 and TD3 pages are under 0.7 MRZ widths high), at a modest resolution, one
 * sparse-text pass. The rest of a photo (the opposite page, the table) only costs time.
 */
async function vizLines(pool: TesseractPool, img: GreyImage, mrz: Rect): Promise<OcrLine[]> {
  const height = Math.min(mrz.top, VIZ_PAGE_HEIGHT * mrz.width);
  if (height < mrz.height) return [];
  const page = await cropGrey(img, clampRect({ left: mrz.left, top: mrz.top - height, width: mrz.width, height }, img));
  const { png } = await pagePng(page, Math.min(VIZ_WIDTH, Math.max(VIZ_MIN_WIDTH, page.width)));
  return (await pool.recognize(png, { psm: '11' })).lines;
}

/** The whole photo above the MRZ (the data page and whatever lies beside it), one sparse-text pass. */
async function photoAboveLines(pool: TesseractPool, img: GreyImage, mrz: Rect): Promise<OcrLine[]> {
  const page = await cropGrey(img, clampRect({ left: 0, top: 0, width: img.width, height: Math.max(mrz.top, img.height * 0.3) }, img));
  const { png } = await pagePng(page, Math.min(PHOTO_WIDTH, Math.max(VIZ_WIDTH, page.width)));
  return (await pool.recognize(png, { psm: '11' })).lines;
}

/** Valid but for the name, which neither the recognizer was sure of nor the visual zone confirmed. */
const onlyNameUnconfirmed = (r: Omit<DocumentReadResult, 'ms'>) =>
  r.mrz?.checkDigitsValid === true && !r.mrz.valid && r.issues.some((i) => i.code === 'UNREADABLE' && i.field === 'name')
  && !r.issues.some((i) => i.code === 'VIZ_MISMATCH');

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

/** A page at each of its turns, each rotated once however many looks use it. */
type Turns = (rotation: Rotation) => Promise<GreyImage>;

function turnsOf(page: GreyImage): Turns {
  const made = new Map<Rotation, Promise<GreyImage>>([[0, Promise.resolve(page)]]);
  return (rotation) => {
    if (!made.has(rotation)) made.set(rotation, rotateGrey(page, rotation));
    return made.get(rotation)!;
  };
}

/** A slant photo is levelled first: line finding fails past a few degrees. */
async function deskewed(img: GreyImage): Promise<GreyImage> {
  const skew = await estimateSkew(img);
  return skew ? rotateGrey(img, -skew) : img;
}

const score = (r: MrzRead) => (r.parsed.valid ? 100 : 0) + passing(r) + r.quality;
/** Something worth reporting as an MRZ: valid, or at least one check digit passing on a clean read. */
const plausible = (r: MrzRead) => r.parsed.valid || (passing(r) >= 1 && r.quality > MRZ_QUALITY);
/** A read that shows the page's orientation: a wrong turn can pass a check digit or two by chance, but reads poorly. */
const oriented = (r: MrzRead) => r.parsed.valid || (passing(r) >= ORIENTED_CHECKS && r.quality > MRZ_QUALITY);

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
