// Builds short test videos with ffmpeg, in a temp dir that `cleanup()` removes. Face material
// comes from ../shared/fixtures/real/faces (or $KYCFLOW_FIXTURES_DIR/real/faces) when
// present, else from thumbnails in the sample image that ships inside @vladmandic/human, so
// the face-based synthetic tests always run.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, open, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { FIXTURES_DIR } from './fixtures-dir.js';
import { resolveFfmpeg } from '../../vision/face/ffmpeg-binary.js';

const run = promisify(execFile);
const FIXTURE_FACES = resolve(FIXTURES_DIR, 'real/faces');

/** Two pictures of person A and one of person B. */
export interface FaceImages {
  a: string;
  a2: string;
  b: string;
  origin: 'fixtures' | 'package';
}

const SIZE = 480;
const FPS = 10;
/** Fit any picture into a SIZE×SIZE frame without distortion. */
const FIT = `scale=${SIZE}:${SIZE}:force_original_aspect_ratio=decrease,pad=${SIZE}:${SIZE}:(ow-iw)/2:(oh-ih)/2,setsar=1`;
const H264 = ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'];

export class SyntheticVideos {
  private readonly made = new Map<string, Promise<string>>();
  private facesPromise: Promise<FaceImages> | undefined;

  private constructor(readonly dir: string) {}

  static async create(): Promise<SyntheticVideos> {
    return new SyntheticVideos(await mkdtemp(join(tmpdir(), 'kycflow-synthetic-videos-')));
  }

  async cleanup(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }

  faces(): Promise<FaceImages> {
    this.facesPromise ??= pickFaces(this.dir);
    return this.facesPromise;
  }

  /** A still face for `seconds`: no movement at all (a photo held to the camera). */
  still(seconds = 3, person: 'a' | 'a2' | 'b' = 'a'): Promise<string> {
    return this.once(`still-${person}-${seconds}.mp4`, async (out) => {
      const image = (await this.faces())[person];
      await ffmpeg(['-loop', '1', '-framerate', String(FPS), '-t', String(seconds), '-i', image, '-vf', FIT, ...H264, out]);
    });
  }

  /** A still picture of a face as a PNG file (for face match and picture-as-video tests). */
  picture(person: 'a' | 'a2' | 'b' = 'a'): Promise<string> {
    return this.once(`picture-${person}.png`, async (out) => {
      const image = (await this.faces())[person];
      await ffmpeg(['-i', image, '-vf', FIT, '-frames:v', '1', out]);
    });
  }

  /** A picture with no face: a colour gradient (seeded: ffmpeg draws random colours by default). */
  noFacePicture(): Promise<string> {
    return this.once(`no-face.png`, async (out) => {
      await ffmpeg(['-f', 'lavfi', '-i', `gradients=s=${SIZE}x${SIZE}:d=1:seed=1`, '-frames:v', '1', out]);
    });
  }

  /** A segment of an existing video, re-encoded (e.g. to isolate one movement of a real clip). */
  trim(source: string, fromS: number, toS: number): Promise<string> {
    const name = `trim-${source.replace(/\W+/g, '_').slice(-40)}-${fromS}-${toS}.mp4`;
    return this.once(name, async (out) => {
      await ffmpeg(['-ss', String(fromS), '-to', String(toS), '-i', source, '-an', ...H264, out]);
    });
  }

  /** An existing video played in a loop up to `seconds` (e.g. to make a short real clip last 5 s). */
  loop(source: string, seconds: number): Promise<string> {
    const name = `loop-${source.replace(/\W+/g, '_').slice(-40)}-${seconds}.mp4`;
    return this.once(name, async (out) => {
      await ffmpeg(['-stream_loop', '-1', '-i', source, '-t', String(seconds), '-an', ...H264, out]);
    });
  }

  /** The still face slid sideways across the frame (translation, no head rotation). */
  pan(seconds = 3): Promise<string> {
    return this.once(`pan-${seconds}.mp4`, async (out) => {
      const { a } = await this.faces();
      const big = SIZE + 160;
      const vf = `scale=${big}:${big}:force_original_aspect_ratio=decrease,pad=${big}:${big}:(ow-iw)/2:(oh-ih)/2,crop=${SIZE}:${SIZE}:x='min(160,t*${160 / seconds})':y=80,setsar=1`;
      await ffmpeg(['-loop', '1', '-framerate', String(FPS), '-t', String(seconds), '-i', a, '-vf', vf, ...H264, out]);
    });
  }

  /**
   * A picture filmed by a hand-held phone: a smooth random sway of about `sway` px and sensor
   * noise, 30 fps. Another `seed` is another take of the same scene.
   */
  handheld(seed: number, seconds = 4, sway = 6, picture?: string): Promise<string> {
    return this.once(`handheld-${seed}-${seconds}-${sway}-${picture?.replace(/\W+/g, '_').slice(-30) ?? 'a'}.mp4`, async (out) => {
      await handheldTake(picture ?? (await this.faces()).a, out, { seed, seconds, sway });
    });
  }

  /** The still face zoomed in slowly. */
  zoom(seconds = 3): Promise<string> {
    return this.once(`zoom-${seconds}.mp4`, async (out) => {
      const { a } = await this.faces();
      const frames = seconds * FPS;
      const vf = `${FIT},zoompan=z='1+0.3*on/${frames}':x='iw/2-(iw/zoom/2)':y='ih/2-(ih/zoom/2)':d=1:s=${SIZE}x${SIZE}:fps=${FPS}`;
      await ffmpeg(['-loop', '1', '-framerate', String(FPS), '-t', String(seconds), '-i', a, '-vf', vf, ...H264, out]);
    });
  }

  /** Two different pictures of the same person, one after the other. */
  samePersonCut(secondsEach = 1.5): Promise<string> {
    return this.once(`same-person-cut.mp4`, async (out) => {
      const { a, a2 } = await this.faces();
      const loop = (img: string) => ['-loop', '1', '-framerate', String(FPS), '-t', String(secondsEach), '-i', img];
      const graph = `[0]${FIT}[x];[1]${FIT}[y];[x][y]concat=n=2:v=1[v]`;
      await ffmpeg([...loop(a), ...loop(a2), '-filter_complex', graph, '-map', '[v]', ...H264, out]);
    });
  }

  /** Two different people side by side for the whole clip. */
  twoPeople(seconds = 2): Promise<string> {
    return this.once(`two-people.mp4`, async (out) => {
      const { a, b } = await this.faces();
      const loop = (img: string) => ['-loop', '1', '-framerate', String(FPS), '-t', String(seconds), '-i', img];
      const half = `scale=${SIZE}:${SIZE}:force_original_aspect_ratio=decrease,pad=${SIZE}:${SIZE}:(ow-iw)/2:(oh-ih)/2,setsar=1`;
      const graph = `[0]${half}[x];[1]${half}[y];[x][y]hstack=inputs=2[v]`;
      await ffmpeg([...loop(a), ...loop(b), '-filter_complex', graph, '-map', '[v]', ...H264, out]);
    });
  }

  /** A moving colour gradient: a valid video with no face (seeded, as above). */
  noFace(seconds = 2): Promise<string> {
    return this.once(`no-face.mp4`, async (out) => {
      await ffmpeg(['-f', 'lavfi', '-i', `gradients=s=${SIZE}x${SIZE}:r=${FPS}:d=${seconds}:speed=0.05:seed=1`, ...H264, out]);
    });
  }

  /** A PNG picture renamed to .mp4. */
  pngAsMp4(): Promise<string> {
    return this.once(`picture.mp4`, async (out) => {
      await copyFile(await this.picture('a'), out);
    });
  }

  empty(): Promise<string> {
    return this.once(`empty.mp4`, (out) => writeFile(out, new Uint8Array(0)));
  }

  /** Ten minutes of a tiny grey picture at 1 fps: quick to make, far over any length limit. */
  tooLong(seconds = 600): Promise<string> {
    return this.once(`too-long-${seconds}.mp4`, async (out) => {
      await ffmpeg(['-f', 'lavfi', '-i', `color=c=gray:s=64x64:r=1:d=${seconds}`, ...H264, out]);
    });
  }

  /** The first 40% of a valid MP4 whose index sits at the end: the index is lost. */
  truncated(): Promise<string> {
    return this.once(`truncated.mp4`, async (out) => {
      const bytes = await readFile(await this.still());
      await writeFile(out, bytes.subarray(0, Math.floor(bytes.length * 0.4)));
    });
  }

  /** A valid container (index first) whose picture data is overwritten with noise. */
  garbled(): Promise<string> {
    return this.once(`garbled.mp4`, async (out) => {
      const { a } = await this.faces();
      await ffmpeg(['-loop', '1', '-framerate', String(FPS), '-t', '2', '-i', a, '-vf', FIT, ...H264, '-movflags', '+faststart', out]);
      await overwriteTail(out, 0.5, 0x5eed);
    });
  }

  private once(name: string, make: (out: string) => Promise<void>): Promise<string> {
    let p = this.made.get(name);
    if (!p) {
      const out = join(this.dir, name);
      p = make(out).then(() => out);
      this.made.set(name, p);
    }
    return p;
  }
}

/** See `SyntheticVideos.handheld`; exported for benchmarks that film their own pictures. */
export async function handheldTake(picture: string, out: string, { seed, seconds = 4, sway = 6 }: { seed: number; seconds?: number; sway?: number }): Promise<void> {
  let state = seed * 7919 + 17;
  const random = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
  const wave = () => `${(sway * (0.4 + random() * 0.6)).toFixed(2)}*sin(2*PI*${(0.2 + random() * 0.9).toFixed(3)}*t+${(random() * 6.28).toFixed(3)})`;
  const crop = `crop=${SIZE}:${SIZE}:x='40+${wave()}+${wave()}':y='40+${wave()}+${wave()}'`;
  const big = SIZE + 80;
  const vf = `scale=${big}:${big}:force_original_aspect_ratio=increase,crop=${big}:${big},${crop},noise=alls=5:allf=t,setsar=1`;
  await ffmpeg(['-loop', '1', '-framerate', '30', '-t', String(seconds), '-i', picture, '-vf', vf, ...H264, out]);
}

async function ffmpeg(args: string[]): Promise<void> {
  await run(resolveFfmpeg().ffmpeg, ['-v', 'error', '-y', ...args], { maxBuffer: 1 << 20 });
}

async function pickFaces(dir: string): Promise<FaceImages> {
  const names = { a: 'fr__obama.jpg', a2: 'fr__obama2.jpg', b: 'fr__biden2.jpg' };
  const paths = { a: join(FIXTURE_FACES, names.a), a2: join(FIXTURE_FACES, names.a2), b: join(FIXTURE_FACES, names.b) };
  if (Object.values(paths).every((p) => existsSync(p))) return { ...paths, origin: 'fixtures' };
  // Fallback: two thumbnails of the demo strip in human's assets/samples.jpg (1280×1158).
  const samples = join(dirname(dirname(createRequire(import.meta.url).resolve('@vladmandic/human'))), 'assets', 'samples.jpg');
  const a = join(dir, 'face-a.png');
  const b = join(dir, 'face-b.png');
  await ffmpeg(['-i', samples, '-vf', 'crop=150:160:166:0', a]);
  await ffmpeg(['-i', samples, '-vf', 'crop=200:160:326:0', b]);
  const a2 = join(dir, 'face-a2.png');
  await ffmpeg(['-i', a, '-vf', 'eq=brightness=0.06:contrast=1.1,crop=140:150:5:5', a2]);
  return { a, a2, b, origin: 'package' };
}

/** Replaces the last `fraction` of a file with deterministic noise. */
async function overwriteTail(path: string, fraction: number, seed: number): Promise<void> {
  const size = (await stat(path)).size;
  const start = Math.floor(size * (1 - fraction));
  const noise = new Uint8Array(size - start);
  let x = seed;
  for (let i = 0; i < noise.length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    noise[i] = x >>> 24;
  }
  const fh = await open(path, 'r+');
  try {
    await fh.write(noise, 0, noise.length, start);
  } finally {
    await fh.close();
  }
}
