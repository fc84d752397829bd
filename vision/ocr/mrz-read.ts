/**
 * Reads the MRZ in a located region: several OCR reads of the crop (binarised and greyscale), plus
 * the locating pass's own text, are corrected and voted per format; the best parse wins.
 */
import { CROP_BORDER, cropPng, type GreyImage } from './image-prep.js';
import { chevronTest, roundLeftTest } from './glyph-shape.js';
import { correctMrz, normaliseRead } from './mrz-correct.js';
import { confirmed, FITTING_TEMPLATE_WEIGHT, type Read } from './mrz-confirm.js';
import { evaluateCheck, parseMrz, type ParsedMrz } from './mrz-parse.js';
import type { MrzLocation } from './mrz-locate.js';
import { findMrzBlock, type MrzBlock } from './mrz-text.js';
import { MRZ_WHITELIST, type OcrLine, type TesseractPool } from './tesseract-pool.js';
import { gridLines, type ChevronTest } from './mrz-grid.js';
import { FORMATS } from './mrz-formats.js';
import { SURE_MARGIN, templateRead } from './mrz-template-read.js';
import type { MrzFormat } from './types.js';

export interface MrzRead { parsed: ParsedMrz; ocrConfidence: number }

const TARGET_LINE_HEIGHT = 44; // px per text line box after scaling; LSTM likes ~30 px glyphs

export async function readMrzRegion(pool: TesseractPool, img: GreyImage, loc: MrzLocation): Promise<MrzRead | null> {
  const scale = Math.min(4, TARGET_LINE_HEIGHT / Math.max(4, loc.lineHeight));
  const passes = [true, false].map(async (binarise) => {
    const { png, ink } = await cropPng(img, loc.rect, { angleDeg: loc.angleDeg, scale, binarise });
    const ocr = await pool.recognize(png, { psm: '6', whitelist: MRZ_WHITELIST });
    const lines = ocr.lines.filter((l) => l.text.trim());
    const block = findMrzBlock(lines.map((l) => l.text));
    return { ink, block, lines: block ? block.lineIdx.map((i) => lines[i]!) : [], confidence: ocr.confidence / 100, chevron: chevronTest(ink, CROP_BORDER), round: roundLeftTest(ink, CROP_BORDER) };
  });
  const crops = await Promise.all(passes);
  // Template reads first (the most reliable on OCR-B), then tesseract's cell-gridded reads, then
  // the plain text reads, then the locating pass.
  const reads: Read[] = [];
  const formats = new Set([loc.block.formats, ...crops.map((c) => c.block?.formats ?? [])].flat());
  // Two lines found may be two of a TD1's three, and tesseract pads wide-spaced 36-character
  // lines with '<' to 44: the templates tell by the cell count per line, so they try every format.
  if (formats.has('TD2') || formats.has('TD3') || formats.has('MRVA') || formats.has('MRVB')) for (const f of ['TD1', 'TD2', 'TD3', 'MRVA', 'MRVB'] as const) formats.add(f);
  const ink = crops[0]!.ink;
  for (const format of formats) {
    const spec = FORMATS[format];
    const t = templateRead(ink, spec.classes.length, spec.lineLength, spec.classes);
    if (t) reads.push({ block: { lines: t.lines, formats: [format], lineIdx: [] }, confidence: 0.9, pass: TEMPLATE_PASS, letterConfidence: t.letterConfidence, weight: templateWeight(t.lines, t.margins, selfConsistent(t.lines, format)), ranked: t.ranked });
  }
  crops.forEach((c, pass) => { if (c.block) reads.push(...gridReads(c.block, c.lines, c.confidence, pass, c.chevron, c.round)); });
  crops.forEach((c, pass) => { if (c.block) reads.push({ block: c.block, confidence: c.confidence, pass }); });
  if (loc.block.lines.length) reads.push({ block: loc.block, confidence: loc.confidence, pass: crops.length + 1 });
  return bestParse(reads);
}


/**
 * A sure template match from a read whose own check digits all pass (the templates fit this
 * print) outvotes both tesseract reads on a filler: tesseract shares its misreads of OCR-B's '<'
 * (C, K, L). Between two letters or digits, two agreeing tesseract reads outvote it (a blurred P
 * matches the F template, a T the I). A read failing its checks fits the print poorly (another
 * OCR-B cut, heavy stroke), so two agreeing tesseract reads outvote even its sure matches; an
 * unsure match (O/0, a damaged glyph) only tips a tie.
 */
function templateWeight(lines: string[], margins: number[][], fits: boolean): number[][] {
  return margins.map((l, li) => l.map((m, p) => {
    if (m < SURE_MARGIN / 2) return 0.8;
    if (!fits) return 1.5;
    return lines[li]?.[p] === '<' ? 2.5 : FITTING_TEMPLATE_WEIGHT;
  }));
}

function selfConsistent(lines: string[], format: MrzFormat): boolean {
  const norm = normaliseRead(lines, format);
  return !!norm && FORMATS[format].checks.every((c) => evaluateCheck(FORMATS[format], c, norm));
}
const TEMPLATE_PASS = 2;

function gridReads(block: MrzBlock, lines: OcrLine[], confidence: number, pass: number, chevron: ChevronTest, round: ChevronTest): Read[] {
  const out: Read[] = [];
  for (const format of block.formats) {
    const grid = gridLines(lines, FORMATS[format].lineLength, chevron, round);
    if (grid) out.push({ block: { ...block, lines: grid.lines, formats: [format] }, confidence, pass, letterConfidence: grid.letterConfidence });
  }
  return out;
}

export function bestParse(reads: Read[]): MrzRead | null {
  const formats = new Set<MrzFormat>(reads.flatMap((r) => r.block.formats));
  let best: MrzRead | null = null;
  for (const format of formats) {
    // Gridded reads are far more reliable than free-text ones; mixing them in only adds noise.
    const all = reads.filter((r) => r.block.formats.includes(format));
    const gridded = all.filter((r) => r.letterConfidence);
    const same = gridded.length ? gridded : all;
    if (process.env.MRZ_DEBUG) console.error(format, same.map((r) => `${r.pass}: ${r.block.lines.join(' | ')} ${r.letterConfidence?.map(Math.round) ?? ''}`));
    const lines = correctMrz(same.map((r) => r.block.lines), format, same.map((r) => r.weight ?? 1));
    if (!lines) continue;
    const parsed = confirmed(parseMrz(format, lines), same);
    const cand = { parsed, ocrConfidence: Math.max(...same.map((r) => r.confidence)) };
    if (!best || rank(cand.parsed) > rank(best.parsed)) best = cand;
  }
  return best;
}

/**
 * Valid beats invalid; then a plausible MRZ beats noise (check digits pass on noise now and then,
 * more so after repair); then more passing checks; then the format the document code names.
 */
function rank(p: ParsedMrz): number {
  const visa = p.format === 'MRVA' || p.format === 'MRVB';
  return (p.valid ? 100 : 0) + (plausible(p) ? 10 : 0) + Object.values(p.checks).filter(Boolean).length + (visa === p.lines[0]?.startsWith('V') ? 0.5 : 0);
}

/** A document code and real calendar dates: what any MRZ has and a read of noise seldom does. */
export const plausible = (p: ParsedMrz) => /^[PIACV][A-Z<]/.test(p.lines[0] ?? '') && p.fields.birthDate !== null && p.fields.expiryDate !== null;
