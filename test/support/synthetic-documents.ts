/**
 * Synthetic identity documents with known ground truth, for OCR tests and benchmarks.
 * Pure and deterministic for a seed: SVG (OCR-B MRZ when the font is installed, else monospace)
 * rendered to PNG with sharp, optionally degraded (blur, rotation, low light, glare, heavy JPEG,
 * photo of a screen). MRZ check digits come from the reader's own ICAO 7-3-1 implementation.
 */
import { execFileSync } from 'node:child_process';
import sharp from 'sharp';
import { checkDigit } from '../../vision/ocr/check-digit.js';
import { emptyFields, type ExtractedFields } from '../../vision/ocr/types.js';

export type SyntheticKind = 'TD3' | 'TD1';
export type Degradation = 'blur' | 'rotate' | 'lowlight' | 'glare' | 'jpeg' | 'screen';
export const DEGRADATIONS: Degradation[] = ['blur', 'rotate', 'lowlight', 'glare', 'jpeg', 'screen'];

/**
 * The hard set: each document gets three of these at their strongest, on a guilloché background
 * behind the MRZ (no white print band).
 */
export type HardDegradation = 'lowres' | 'motion' | 'defocus' | 'slant' | 'mrzGlare' | 'moire' | 'finger' | 'edgeCut' | 'unevenLight' | 'jpeg20';
export const HARD_DEGRADATIONS: HardDegradation[] = ['lowres', 'motion', 'defocus', 'slant', 'mrzGlare', 'moire', 'finger', 'edgeCut', 'unevenLight', 'jpeg20'];

export interface SyntheticDocument {
  png: Buffer; // PNG, or JPEG bytes for the 'jpeg' degradation
  truth: { kind: SyntheticKind; mrzLines: string[]; fields: ExtractedFields };
}

const SURNAMES = ['ERIKSSON', 'MUELLER', 'OKAFOR', 'DUBOIS', 'NOWAK', 'GARCIA', 'TANAKA', 'SILVA', 'JENSEN', 'KOWALCZYK', 'HAMADI', 'VAN DER BERG', 'OBRIEN', 'PETROVA'];
const GIVEN = ['ANNA MARIA', 'JONAS', 'CHIAMAKA', 'LUC', 'ZOFIA', 'MATEO', 'HARUTO', 'BEATRIZ', 'FREJA', 'PIOTR ADAM', 'NADIA', 'WILLEM', 'SEAN', 'OLGA'];
const STATES = ['UTO', 'D<<', 'FRA', 'POL', 'NLD', 'ESP', 'ITA', 'SWE', 'NGA', 'JPN', 'BRA', 'CAN'];

/** Whether fontconfig knows the OCR-B family; without it the MRZ falls back to monospace. */
export const ocrBFontAvailable: boolean = (() => {
  try { return /OCR B/i.test(execFileSync('fc-list', [':family'], { encoding: 'utf8' })); } catch { return false; }
})();
export const MRZ_FONT_NOTE = ocrBFontAvailable
  ? 'MRZ rendered in OCR B'
  : 'OCR B font not installed (apt-get install fonts-ocr-b): MRZ rendered in a monospace fallback';

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => { // mulberry32
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const digits = (r: () => number, n: number) => Array.from({ length: n }, () => String(Math.floor(r() * 10))).join('');
const letters = (r: () => number, n: number) => Array.from({ length: n }, () => String.fromCharCode(65 + Math.floor(r() * 26))).join('');
const pad = (s: string, n: number) => (s + '<'.repeat(n)).slice(0, n);
const withCheck = (s: string) => s + checkDigit(s);
const mrzName = (surname: string, given: string, n: number) => pad(`${surname.replace(/ /g, '<')}<<${given.replace(/ /g, '<')}`, n);

function yymmdd(r: () => number, fromYear: number, toYear: number) {
  const y = fromYear + Math.floor(r() * (toYear - fromYear + 1));
  const m = 1 + Math.floor(r() * 12);
  const d = 1 + Math.floor(r() * 28);
  const two = (x: number) => String(x).padStart(2, '0');
  return { mrz: `${two(y % 100)}${two(m)}${two(d)}`, iso: `${y}-${two(m)}-${two(d)}`, viz: `${two(d)}.${two(m)}.${y}` };
}

interface Person {
  surname: string; given: string; state: string; nationality: string; number: string; personal: string;
  birth: ReturnType<typeof yymmdd>; expiry: ReturnType<typeof yymmdd>; sex: 'M' | 'F';
  /** A TD1 card's two-character document code. */
  code?: string;
}

function person(r: () => number): Person {
  return {
    surname: pick(r, SURNAMES), given: pick(r, GIVEN), state: pick(r, STATES), nationality: pick(r, STATES),
    number: letters(r, 2) + digits(r, 7), personal: r() < 0.5 ? '' : digits(r, 4) + letters(r, 1) + digits(r, 4),
    birth: yymmdd(r, 1950, 2004), expiry: yymmdd(r, 2027, 2035), sex: r() < 0.5 ? 'M' : 'F',
  };
}

export function td3Lines(p: Person): string[] {
  const l1 = `P<${p.state}${mrzName(p.surname, p.given, 39)}`;
  const personal = pad(p.personal, 14);
  const head = withCheck(p.number) + p.nationality + withCheck(p.birth.mrz) + p.sex + withCheck(p.expiry.mrz) + personal + (p.personal ? checkDigit(personal) : '<');
  const composite = head.slice(0, 10) + head.slice(13, 20) + head.slice(21, 43);
  return [l1, head + checkDigit(composite)];
}

export function td1Lines(p: Person): string[] {
  const l1 = `${p.code ?? 'I<'}${p.state}${withCheck(p.number)}${pad(p.personal, 15)}`;
  const l2head = withCheck(p.birth.mrz) + p.sex + withCheck(p.expiry.mrz) + p.nationality + '<'.repeat(11);
  const composite = l1.slice(5, 30) + l2head.slice(0, 7) + l2head.slice(8, 15) + l2head.slice(18, 29);
  return [l1, l2head + checkDigit(composite), mrzName(p.surname, p.given, 30)];
}

function truthFields(kind: SyntheticKind, p: Person): ExtractedFields {
  const clean = (s: string) => s.replace(/</g, ' ').trim() || null;
  return {
    ...emptyFields(),
    name: `${p.surname} ${p.given}`, surname: p.surname, givenNames: p.given, idNumber: p.number,
    birthDate: p.birth.iso, expiryDate: p.expiry.iso, issuer: clean(p.state), nationality: clean(p.nationality),
    sex: p.sex, documentCode: kind === 'TD3' ? 'P' : (p.code ?? 'I').replace(/</g, ''), personalNumber: p.personal || null,
  };
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function svg(kind: SyntheticKind, p: Person, lines: string[], r: () => number, securityBackground = false, printed: Partial<Pick<Person, 'surname' | 'given'>> = {}): string {
  const [w, h] = kind === 'TD3' ? [1250, 880] : [1012, 638];
  const hue = Math.floor(r() * 360);
  const charW = kind === 'TD3' ? 26 : 31; // OCR-B pitch at the ICAO size, scaled to the page
  const fontSize = charW / 0.78; // librsvg ignores textLength; OCR B advances ~0.72 em
  const lineGap = fontSize * 1.35;
  const mrzTop = h - lineGap * lines.length - 30;
  const guilloche = Array.from({ length: 14 }, (_, i) =>
    `<path d="M0 ${60 + i * 40} Q ${w / 2} ${i * 40 + r() * 120} ${w} ${80 + i * 38}" stroke="hsl(${hue},40%,78%)" fill="none" stroke-width="1.2"/>`).join('');
  const label = (x: number, y: number, l: string, v: string) =>
    `<text x="${x}" y="${y}" font-family="DejaVu Sans, sans-serif" font-size="15" fill="#555">${l}</text>` +
    `<text x="${x}" y="${y + 28}" font-family="DejaVu Sans, sans-serif" font-size="24" fill="#111">${esc(v)}</text>`;
  const x0 = kind === 'TD3' ? 380 : 330;
  const viz = [
    label(x0, 110, 'Surname / Nom', printed.surname ?? p.surname), label(x0, 180, 'Given names / Prénoms', printed.given ?? p.given),
    label(x0, 250, 'Nationality', p.nationality.replace(/</g, '')), label(x0 + 330, 250, 'Sex', p.sex),
    label(x0, 320, 'Date of birth', p.birth.viz), label(x0 + 330, 320, 'Document No', p.number),
    label(x0, 390, 'Date of expiry', p.expiry.viz),
  ].join('');
  const mrz = lines.map((l, i) =>
    `<text x="40" y="${mrzTop + (i + 1) * lineGap}" font-family="OCR B, OCRB, monospace" font-size="${fontSize.toFixed(1)}" textLength="${(charW * l.length).toFixed(1)}" lengthAdjust="spacing" fill="#101010">${esc(l)}</text>`).join('');
  const title = kind === 'TD3' ? 'PASSPORT / PASSEPORT' : 'IDENTITY CARD';
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}">
<rect width="100%" height="100%" fill="hsl(${hue},35%,93%)"/>${guilloche}
<text x="40" y="60" font-family="DejaVu Sans, sans-serif" font-size="30" font-weight="bold" fill="hsl(${hue},50%,30%)">${title}</text>
<rect x="40" y="90" width="${x0 - 80}" height="${x0 - 20}" rx="8" fill="hsl(${hue},10%,70%)"/>
<circle cx="${x0 / 2}" cy="220" r="70" fill="hsl(${hue},8%,55%)"/>
${viz}
${securityBackground ? mrzGuilloche(w, h, mrzTop, hue, r) : `<rect x="0" y="${mrzTop - 10}" width="${w}" height="${h - mrzTop + 10}" fill="#fbfbf8"/>`}
${mrz}
</svg>`;
}

/** Dense guilloché and wavy lines behind the MRZ, as on ID cards whose MRZ sits on the security print. */
function mrzGuilloche(w: number, h: number, top: number, hue: number, r: () => number): string {
  const paths: string[] = [];
  for (let i = 0; i < 40; i++) {
    const y = top - 10 + i * ((h - top + 10) / 40);
    const amp = 4 + r() * 10, period = 30 + r() * 60;
    let d = `M0 ${y.toFixed(1)}`;
    for (let x = 0; x <= w; x += 10) d += ` L${x} ${(y + amp * Math.sin((x / period) * 2 * Math.PI + i)).toFixed(1)}`;
    paths.push(`<path d="${d}" stroke="hsl(${hue},45%,${55 + r() * 20}%)" fill="none" stroke-width="1.3"/>`);
  }
  return `<rect x="0" y="${top - 10}" width="${w}" height="${h - top + 10}" fill="hsl(${hue},30%,90%)"/>${paths.join('')}`;
}

async function hardDegrade(png: Buffer, kinds: HardDegradation[], mrzTop: number, r: () => number): Promise<Buffer> {
  let img = png;
  for (const kind of kinds) {
    const s = sharp(img);
    const { width = 1000, height = 700 } = await s.metadata();
    switch (kind) {
      case 'lowres': { // MRZ glyphs about 10 px high, then back up to a phone-like size
        const f = 0.4;
        img = await sharp(await s.resize({ width: Math.round(width * f) }).png().toBuffer()).resize({ width }).png().toBuffer();
        break;
      }
      case 'motion': img = await s.convolve({ width: 7, height: 3, kernel: [0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0], scale: 7 }).png().toBuffer(); break;
      case 'defocus': img = await s.blur(2.2).png().toBuffer(); break;
      case 'slant': img = await s.affine([[1, -0.12], [0.04, 1]], { background: '#6b6b6b' }).png().toBuffer(); break;
      case 'jpeg20': img = await s.jpeg({ quality: 20 }).toBuffer(); break;
      case 'mrzGlare': {
        const band = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><defs><linearGradient id="g" x1="0" x2="1"><stop offset="0" stop-color="#fff" stop-opacity="0"/><stop offset="0.5" stop-color="#fff" stop-opacity="0.7"/><stop offset="1" stop-color="#fff" stop-opacity="0"/></linearGradient></defs><rect x="${width * (0.2 + r() * 0.4)}" y="${mrzTop - 20}" width="${width * 0.25}" height="${height - mrzTop + 20}" fill="url(#g)" transform="skewX(-20)"/></svg>`;
        img = await s.composite([{ input: Buffer.from(band) }]).png().toBuffer();
        break;
      }
      case 'moire': {
        const grid = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><defs><pattern id="m" width="3.2" height="3.2" patternUnits="userSpaceOnUse" patternTransform="rotate(7)"><rect width="3.2" height="1.1" fill="#000" fill-opacity="0.28"/></pattern></defs><rect width="100%" height="100%" fill="url(#m)"/></svg>`;
        img = await s.composite([{ input: Buffer.from(grid) }]).png().toBuffer();
        break;
      }
      case 'unevenLight': {
        const shade = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><defs><linearGradient id="l" x1="0" x2="1" y1="0" y2="0.3"><stop offset="0" stop-color="#000" stop-opacity="0.55"/><stop offset="1" stop-color="#000" stop-opacity="0"/></linearGradient></defs><rect width="100%" height="100%" fill="url(#l)"/></svg>`;
        img = await s.composite([{ input: Buffer.from(shade) }]).png().toBuffer();
        break;
      }
      case 'finger': { // a thumb over the bottom-right corner, into the margin beside the MRZ
        const thumb = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><ellipse cx="${width + 10}" cy="${height - 10}" rx="${width * 0.035}" ry="${height * 0.16}" fill="#c58c6d" transform="rotate(-25 ${width} ${height})"/></svg>`;
        img = await s.composite([{ input: Buffer.from(thumb) }]).png().toBuffer();
        break;
      }
      case 'edgeCut': // framed tight: the image edge runs a few pixels from the MRZ's first and last characters
        img = await s.extract({ left: 34, top: 0, width: width - 68, height: height - 8 }).png().toBuffer();
        break;
    }
  }
  return img;
}

async function degrade(png: Buffer, d: Degradation, r: () => number): Promise<Buffer> {
  const img = sharp(png);
  const { width = 1000, height = 700 } = await img.metadata();
  switch (d) {
    case 'blur': return img.blur(1.2 + r() * 0.8).png().toBuffer();
    case 'rotate': return img.rotate((r() < 0.5 ? -1 : 1) * (2 + r() * 8), { background: '#8a8a8a' }).png().toBuffer();
    case 'lowlight': return img.linear(0.42, 8).png().toBuffer();
    case 'jpeg': return img.jpeg({ quality: 12 + Math.floor(r() * 6) }).toBuffer();
    case 'glare': {
      const cx = Math.round(width * (0.3 + r() * 0.4)), cy = Math.round(height * (0.2 + r() * 0.3));
      const spot = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><defs><radialGradient id="g"><stop offset="0" stop-color="#fff" stop-opacity="0.95"/><stop offset="1" stop-color="#fff" stop-opacity="0"/></radialGradient></defs><ellipse cx="${cx}" cy="${cy}" rx="${width * 0.22}" ry="${height * 0.18}" fill="url(#g)"/></svg>`;
      return img.composite([{ input: Buffer.from(spot) }]).png().toBuffer();
    }
    case 'screen': {
      // Scanlines with a slightly tilted second grid (moiré), a colour cast, and an uneven scale.
      const lines = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><defs><pattern id="s" width="4" height="4" patternUnits="userSpaceOnUse"><rect width="4" height="1.3" fill="#000" fill-opacity="0.22"/></pattern><pattern id="m" width="5" height="5" patternUnits="userSpaceOnUse" patternTransform="rotate(3)"><rect width="1.2" height="5" fill="#203060" fill-opacity="0.12"/></pattern></defs><rect width="100%" height="100%" fill="url(#s)"/><rect width="100%" height="100%" fill="url(#m)"/></svg>`;
      const shot = await img.composite([{ input: Buffer.from(lines) }]).modulate({ brightness: 1.05, saturation: 0.8 }).tint('#cfe0ff').png().toBuffer();
      return sharp(shot).resize({ width: Math.round(width * 0.82), height: Math.round(height * 0.9), fit: 'fill' })
        .extend({ top: 30, bottom: 30, left: 50, right: 50, background: '#111' }).png().toBuffer();
    }
  }
}

/**
 * `person` overrides the drawn identity in both zones; `printed` only in the visual zone (a
 * document whose MRZ and printed name disagree, as after a misprint or a tampered MRZ).
 * `wrongCheckDigit` prints the document number's check digit one off (a tampered number).
 */
export async function generateDocument(opts: {
  kind: SyntheticKind; seed: number; degrade?: Degradation; hard?: boolean;
  person?: Partial<Pick<Person, 'surname' | 'given' | 'code'>>; printed?: Partial<Pick<Person, 'surname' | 'given'>>;
  wrongCheckDigit?: boolean;
}): Promise<SyntheticDocument & { hard?: HardDegradation[] }> {
  const r = rng(opts.seed * 7919 + (opts.kind === 'TD1' ? 1 : 0));
  const p = { ...person(r), ...opts.person };
  const mrzLines = opts.kind === 'TD3' ? td3Lines(p) : td1Lines(p);
  if (opts.wrongCheckDigit) {
    const [line, at] = opts.kind === 'TD3' ? [1, 9] : [0, 14];
    const l = mrzLines[line]!;
    mrzLines[line] = l.slice(0, at) + String((Number(l[at]) + 1) % 10) + l.slice(at + 1);
  }
  let png: Buffer = await sharp(Buffer.from(svg(opts.kind, p, mrzLines, r, opts.hard, opts.printed))).png().toBuffer();
  if (opts.degrade) png = await degrade(png, opts.degrade, r);
  let hard: HardDegradation[] | undefined;
  if (opts.hard) {
    const pool = [...HARD_DEGRADATIONS];
    hard = Array.from({ length: 3 }, () => pool.splice(Math.floor(r() * pool.length), 1)[0]!);
    // Geometry and resolution first, then light, then the camera's JPEG last.
    const order: HardDegradation[] = ['slant', 'edgeCut', 'finger', 'mrzGlare', 'unevenLight', 'moire', 'defocus', 'motion', 'lowres', 'jpeg20'];
    hard.sort((a, b) => order.indexOf(a) - order.indexOf(b));
    const [h] = opts.kind === 'TD3' ? [880] : [638];
    png = await hardDegrade(png, hard, h - (h > 700 ? 150 : 170), r);
  }
  return { png, truth: { kind: opts.kind, mrzLines, fields: truthFields(opts.kind, p) }, ...(hard ? { hard } : {}) };
}
