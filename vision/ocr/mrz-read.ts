/**
 * Reads located MRZ lines with the trained recognizer: each line cropped with a margin, decoded
 * to the layout's exact length with position-aware character classes, issuing state and
 * nationality settled on the ICAO list, then check digits decide between the characters the
 * network offered (a check digit itself is never changed). Confidence stays per character.
 */
import { clampRect, type GreyImage, type Rect } from './image-prep.js';
import { constrainedDecode, greedyDecode, type DecodedLine } from './ctc-decode.js';
import type { LineProbs, MrzRecognizer } from './mrz-recognizer.js';
import { FORMATS } from './mrz-formats.js';
import { allChecksPass, formatOf, parseMrz, type ParsedMrz } from './mrz-parse.js';
import { repairByCheckDigits, settleCountryCodes } from './mrz-repair.js';
import { raw } from './image-prep.js';
import type { MrzFormat } from './types.js';

export interface MrzRead {
  parsed: ParsedMrz;
  /** Per line and position: how sure the recognizer is of the character (0..1). */
  confidence: number[][];
  /** Mean log-probability per character of the decoded lines: how well the crop looked like an MRZ. */
  quality: number;
}

const MARGIN_Y = 0.4; // of the line height, above and below (training crops: 0.12–0.75)
const MARGIN_X = 1.0;
/**
 * A wider re-read when the first read looks like an MRZ but is not valid: the crops drawn 1.25
 * times as wide give the network more frames per character, which separates characters blurred
 * together on a low-resolution line. That read is kept only if every check digit passes and it
 * checks better than the first: the check digits, not the network's confidence, choose. (A read
 * passing some checks would stop the reader looking further, at the page's other looks.)
 */
const REREAD_STRETCH = 1.25;
/** Mean log-probability per character below which a read is not an MRZ (an upside-down page reads so). */
export const MRZ_QUALITY = -1.5;

const CHARS: Record<string, string> = {
  A: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ<', N: '0123456789', C: '0123456789<', S: 'MFX<', X: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<',
};

export async function readMrzLines(recognizer: MrzRecognizer, img: GreyImage, boxes: Rect[]): Promise<MrzRead | null> {
  if (boxes.length < 2) return null;
  const crops = await Promise.all(boxes.map((b) => cropLine(img, b)));
  const first = bestRead(await recognizer.recognize(crops));
  if (!first || first.parsed.valid || !mrzLike(first)) return first;
  const second = bestRead(await recognizer.recognize(crops, REREAD_STRETCH));
  return second && allChecksPass(second.parsed) && checksRank(second) > checksRank(first) ? second : first;
}

function bestRead(probs: LineProbs[]): MrzRead | null {
  let best: MrzRead | null = null;
  for (const lines of windows(probs)) {
    for (const length of lengthsFor(lines)) {
      const read = decodeAs(lines, length);
      if (read && (!best || rank(read) > rank(best))) best = read;
    }
  }
  return best;
}

/** Three lines (TD1), or any two neighbours (an extra text line may have been taken for MRZ). */
function windows(probs: LineProbs[]): LineProbs[][] {
  const out: LineProbs[][] = [];
  if (probs.length === 3) out.push(probs);
  for (let i = probs.length - 2; i >= 0; i--) out.push(probs.slice(i, i + 2));
  return out;
}

/** Line lengths worth trying: the layout sizes nearest to what the network read freely. */
function lengthsFor(lines: LineProbs[]): number[] {
  if (lines.length === 3) return [30];
  const read = Math.max(...lines.map((l) => greedyDecode(l).text.length));
  return [36, 44].sort((a, b) => Math.abs(a - read) - Math.abs(b - read));
}

function decodeAs(lines: LineProbs[], length: number): MrzRead | null {
  // The first line's opening tells the layout (V: visa, IDFRA: French ID card): read it freely first.
  const first = constrainedDecode(lines[0]!, Array(length).fill(CHARS.X));
  if (!first) return null;
  const format = formatOf(lines.map((_, i) => (i === 0 ? first.text : '<'.repeat(length))));
  if (!format) return null;
  const decoded: DecodedLine[] = [];
  for (const [i, lp] of lines.entries()) {
    const d = constrainedDecode(lp, [...FORMATS[format].classes[i]!].map((c) => CHARS[c]!));
    if (!d) return null;
    decoded.push(d);
  }
  settleCountryCodes(format, decoded);
  const parsed = repairByCheckDigits(decoded, format) ?? parseMrz(decoded.map((d) => d.text), format);
  if (!parsed) return null;
  const chars = decoded.reduce((n, d) => n + d.text.length, 0);
  return { parsed, confidence: decoded.map((d) => d.confidence), quality: decoded.reduce((s, d) => s + d.logProb, 0) / chars };
}

/** How many of the read's check digits pass. */
export const passing = (r: MrzRead) => Object.values(r.parsed.checks).filter(Boolean).length;
/**
 * Worth a re-read: two check digits passing, or a clean read. Print that is no MRZ (and a
 * wrong turn) reads poorly and passes a check digit by chance; on the hard and real sets every
 * read the re-read put right passed two or more, and most reads passing one were such print.
 */
const mrzLike = (r: MrzRead) => passing(r) >= 2 || r.quality > MRZ_QUALITY;
const checksRank = (r: MrzRead) => (r.parsed.valid ? 1000 : 0) + 10 * passing(r);
const rank = (r: MrzRead) => checksRank(r) + r.quality;

/** The line with a margin around it, as the recognizer was trained to see it. */
export async function cropLine(img: GreyImage, box: Rect): Promise<GreyImage> {
  const h = box.height;
  const r = clampRect({ left: box.left - MARGIN_X * h, top: box.top - MARGIN_Y * h, width: box.width + 2 * MARGIN_X * h, height: h * (1 + 2 * MARGIN_Y) }, img);
  const { data, info } = await raw(img).extract(r).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

export type { MrzFormat };
