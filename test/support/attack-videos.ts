// Presentation attacks made from a video or photo of a face, as a camera would film them: the
// clip replayed on a phone or a monitor (bezel, RGB sub-pixel grid that beats against the
// camera's own pixel grid into moiré, reduced colour gamut, glare, a hand that shakes), a printed
// photo (paper margin, flat lighting, paper grain, no depth) and the document's own portrait
// held to the camera. Printed pictures carry an office printer's halftone screen. Each frame is rendered here pixel by pixel (the camera samples the
// screen or paper plane through a moving similarity transform), then encoded with ffmpeg.
// Deterministic: the same source gives the same clip.
import { spawn } from 'node:child_process';
import { resolveFfmpeg } from '../../vision/face/ffmpeg-binary.js';

export const ATTACKS = ['screen-phone', 'screen-monitor', 'print', 'document-portrait'] as const;
export type AttackKind = (typeof ATTACKS)[number];

const OUT = 480;
const FPS = 10;

interface Frame {
  width: number;
  height: number;
  data: Uint8Array;
}

/**
 * Films `source` (a video, or a still image with `still: true`) as `kind`, writing an MP4 of
 * `seconds` to `out`. `crop` (fractions of the source) selects e.g. the portrait of a document.
 */
export async function renderAttack(
  source: string,
  out: string,
  kind: AttackKind,
  opts: { seconds?: number; still?: boolean; crop?: { x: number; y: number; width: number; height: number } } = {},
): Promise<void> {
  const seconds = opts.seconds ?? 4;
  // Source pixels across the picture: a screen's own resolution, or a print's detail.
  const content = kind === 'screen-phone' ? 600 : kind === 'screen-monitor' ? 480 : 240;
  const frames = await decode(source, content, seconds, opts);
  const rendered = frames.map((f, i) => film(f, kind, i));
  await encode(rendered, out);
}

/** Source frames, centre-cropped square and scaled to `side` (the screen's or print's resolution). */
async function decode(source: string, side: number, seconds: number, opts: { still?: boolean; crop?: { x: number; y: number; width: number; height: number } }): Promise<Frame[]> {
  const crop = opts.crop ? `crop=iw*${opts.crop.width}:ih*${opts.crop.height}:iw*${opts.crop.x}:ih*${opts.crop.y},` : '';
  const input = opts.still ? ['-loop', '1', '-framerate', String(FPS), '-t', String(seconds), '-i', source] : ['-stream_loop', '-1', '-i', source, '-t', String(seconds)];
  const vf = `${crop}crop='min(iw,ih)':'min(iw,ih)',fps=${FPS},scale=${side}:${side}:flags=bicubic,setsar=1`;
  const raw = await run(resolveFfmpeg().ffmpeg, ['-v', 'error', ...input, '-vf', vf, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-']);
  const size = side * side * 3;
  const frames: Frame[] = [];
  for (let o = 0; o + size <= raw.length; o += size) frames.push({ width: side, height: side, data: raw.subarray(o, o + size) });
  return frames;
}

/** One camera frame of the attack: the camera samples the screen or paper plane, 2×2 per pixel. */
function film(src: Frame, kind: AttackKind, index: number): Uint8Array {
  const screen = kind === 'screen-phone' || kind === 'screen-monitor';
  // Camera pixels per plane pixel (a camera pixel sees 2.5 phone pixels, 1.8 monitor pixels),
  // and the hand's slow shake.
  const scale = kind === 'screen-phone' ? 0.4 : kind === 'screen-monitor' ? 0.55 : 1.4;
  const samples = screen ? SCREEN_SAMPLES : PAPER_SAMPLES;
  const t = index / FPS;
  const angle = 0.04 * Math.sin(t * 1.3) + (screen ? 0.02 : -0.03);
  const shiftX = 6 * Math.sin(t * 0.9);
  const shiftY = 4 * Math.cos(t * 1.1);
  const border = screen ? 40 : 18; // bezel, or the paper's white margin (plane pixels)
  const cos = Math.cos(angle) / scale;
  const sin = Math.sin(angle) / scale;
  const out = new Uint8Array(OUT * OUT * 3);
  const px = new Float64Array(3);
  for (let v = 0; v < OUT; v++) {
    for (let u = 0; u < OUT; u++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let k = 0; k < samples.length; k += 2) {
        const du = samples[k]!;
        const dv = samples[k + 1]!;
        // Camera pixel → plane coordinates (source pixels), centred on the plane.
        const cu = u + du - OUT / 2 - shiftX;
        const cv = v + dv - OUT / 2 - shiftY;
        const x = cos * cu + sin * cv + src.width / 2;
        const y = -sin * cu + cos * cv + src.height / 2;
        plane(src, kind, x, y, border, px);
        r += px[0]!;
        g += px[1]!;
        b += px[2]!;
      }
      const o = (v * OUT + u) * 3;
      const glare = screen ? 55 * Math.exp(-((u - OUT * 0.68) ** 2 + (v - OUT * 0.3) ** 2) / (2 * (OUT * 0.12) ** 2)) : 0;
      const n = samples.length / 2;
      out[o] = clamp(r / n + glare);
      out[o + 1] = clamp(g / n + glare);
      out[o + 2] = clamp(b / n + glare);
    }
  }
  return out;
}

/**
 * Where in a camera pixel the plane is sampled (x, y pairs): the sensor integrates its area. A
 * screen needs a finer grid (a camera pixel covers several of its pixels); the footprint is a
 * little wider than the pixel, as a lens blurs.
 */
const grid = (n: number, spread: number) =>
  Array.from({ length: n * n }, (_, i) => [((i % n) + 0.5) / n, (Math.floor(i / n) + 0.5) / n]).flatMap(([x, y]) => [0.5 + (x! - 0.5) * spread, 0.5 + (y! - 0.5) * spread]);
const SCREEN_SAMPLES = grid(4, 1.2);
const PAPER_SAMPLES = grid(2, 1.2);

/** The colour at plane point (x, y): the picture, its bezel or margin, or the room behind. */
function plane(src: Frame, kind: AttackKind, x: number, y: number, border: number, out: Float64Array): void {
  const inside = x >= 0 && y >= 0 && x < src.width && y < src.height;
  if (!inside) {
    const inFrame = x >= -border && y >= -border && x < src.width + border && y < src.height + border;
    const room = 95 + 25 * Math.sin(y * 0.01);
    const edge = kind === 'print' || kind === 'document-portrait' ? 236 : 18;
    const value = inFrame ? edge : room;
    out[0] = value;
    out[1] = value * (inFrame ? 1 : 0.93);
    out[2] = value * (inFrame ? 1 : 0.85);
    return;
  }
  const i = (Math.floor(y) * src.width + Math.floor(x)) * 3;
  const R = src.data[i]!;
  const G = src.data[i + 1]!;
  const B = src.data[i + 2]!;
  if (kind === 'screen-phone' || kind === 'screen-monitor') {
    // Sub-pixel stripes R|G|B with a dark matrix between rows; a screen's narrower gamut.
    const sub = Math.floor((x - Math.floor(x)) * 3);
    const rowGap = y - Math.floor(y) > 0.8 ? 0.45 : 1;
    const grey = 0.22 * ((R + G + B) / 3);
    const lit = 3 * rowGap * 0.95;
    out[0] = sub === 0 ? (0.78 * R + grey) * lit : 4;
    out[1] = sub === 1 ? (0.78 * G + grey) * lit : 4;
    out[2] = sub === 2 ? Math.min(255, (0.78 * B + grey) * 1.06) * lit : 4;
    return;
  }
  // Paper from an office printer: a halftone dot screen (45°, 3 plane pixels a period) lays the
  // ink; flat lighting (ink never reaches black, white is the paper), warm tint, fixed grain.
  const screenAt = 0.5 + 0.25 * (Math.cos((2 * Math.PI * (x + y)) / (3 * Math.SQRT2)) + Math.cos((2 * Math.PI * (x - y)) / (3 * Math.SQRT2)));
  const inked = (c: number) => (1 - c / 255 > screenAt ? c * 0.55 : 255);
  const grain = 10 * (hash(Math.floor(x * 3), Math.floor(y * 3)) - 0.5);
  out[0] = 30 + 0.78 * (0.5 * R + 0.5 * inked(R)) + grain;
  out[1] = 28 + 0.76 * (0.5 * G + 0.5 * inked(G)) + grain;
  out[2] = 22 + 0.7 * (0.5 * B + 0.5 * inked(B)) + grain;
}

function hash(x: number, y: number): number {
  let h = (x * 374761393 + y * 668265263) >>> 0;
  h = ((h ^ (h >>> 13)) * 1274126177) >>> 0;
  return (h ^ (h >>> 16)) / 2 ** 32;
}

const clamp = (x: number): number => (x < 0 ? 0 : x > 255 ? 255 : Math.round(x));

async function encode(frames: Uint8Array[], out: string): Promise<void> {
  const args = ['-v', 'error', '-y', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${OUT}x${OUT}`, '-r', String(FPS), '-i', '-', '-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '20', '-pix_fmt', 'yuv420p', out];
  await run(resolveFfmpeg().ffmpeg, args, Buffer.concat(frames));
}

function run(cmd: string, args: string[], input?: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(Buffer.concat(chunks)) : reject(new Error(`ffmpeg exited ${code}: ${err.slice(0, 500)}`))));
    child.stdin.end(input);
  });
}
