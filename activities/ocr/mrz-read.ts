/**
 * Reads the MRZ in a located region: several OCR reads of the crop (binarised and greyscale), plus
 * the locating pass's own text, are corrected and voted per format; the best parse wins.
 */
import { CROP_BORDER, cropPng, type GreyImage } from './image-prep.js';
import { chevronTest, roundLeftTest } from './glyph-shape.js';
import { correctMrz, normaliseRead, uncheckedLines } from './mrz-correct.js';
import { parseMrz, type ParsedMrz } from './mrz-parse.js';
import type { MrzLocation } from './mrz-locate.js';
import { findMrzBlock, type MrzBlock } from './mrz-text.js';
import { MRZ_WHITELIST, type OcrLine, type TesseractPool } from './tesseract-pool.js';
import { gridLines, type ChevronTest } from './mrz-grid.js';
import { FORMATS } from './mrz-formats.js';
import { templateRead } from './mrz-template-read.js';
import type { MrzFormat } from './types.js';

export interface MrzRead { parsed: ParsedMrz; ocrConfidence: number }

const MIN_LETTER_CONFIDENCE = Number(process.env.MRZ_MIN_LETTER_CONF ?? 70);
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
  const ink = crops[0]!.ink;
  for (const format of formats) {
    const spec = FORMATS[format];
    const t = templateRead(ink, spec.classes.length, spec.lineLength, spec.classes);
    if (t) reads.push({ block: { lines: t.lines, formats: [format], lineIdx: [] }, confidence: 0.9, pass: TEMPLATE_PASS, letterConfidence: t.letterConfidence, weight: TEMPLATE_WEIGHT });
  }
  crops.forEach((c, pass) => { if (c.block) reads.push(...gridReads(c.block, c.lines, c.confidence, pass, c.chevron, c.round)); });
  crops.forEach((c, pass) => { if (c.block) reads.push({ block: c.block, confidence: c.confidence, pass }); });
  reads.push({ block: loc.block, confidence: loc.confidence, pass: crops.length + 1 });
  return bestParse(reads);
}

/** pass: which OCR run a read came from; agreement is counted over distinct runs. */
interface Read { block: MrzBlock; confidence: number; pass: number; letterConfidence?: number[]; weight?: number }

/** The template read outvotes one tesseract read but not two that agree (then repair decides). */
const TEMPLATE_WEIGHT = 1.5;
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
 * No check digit guards the name line (nor a visa's data line), so it counts as read only when
 * at least two separate OCR runs produced it exactly; otherwise the MRZ is not reported valid.
 */
function confirmed(parsed: ParsedMrz, reads: Read[]): ParsedMrz {
  if (!parsed.valid) return parsed;
  const agreeing = (li: number) => reads.filter((r) => normaliseRead(r.block.lines, parsed.format)?.[li] === parsed.lines[li]);
  const ok = uncheckedLines(parsed.format).every((li) => {
    const rs = agreeing(li);
    // Two OCR runs agree, and at least one was sure of every letter (a shared O/D slip is not).
    return new Set(rs.map((r) => r.pass)).size >= 2 && Math.max(0, ...rs.map((r) => r.letterConfidence?.[li] ?? 0)) >= MIN_LETTER_CONFIDENCE;
  });
  return ok ? parsed : { ...parsed, valid: false, checks: { ...parsed.checks, unconfirmedLines: false } };
}

/** Valid beats invalid; then more passing checks; format order breaks ties (TD3 before MRV-A). */
function rank(p: ParsedMrz): number {
  return (p.valid ? 100 : 0) + Object.values(p.checks).filter(Boolean).length;
}
