// The face calibration set: people photographed in the sample images that ship inside npm
// packages already installed (@vladmandic/face-api's demo photos, @vladmandic/human's assets),
// independent of ../shared/fixtures (the test set). Each face found becomes one person's
// "photo": cut out with its surroundings and, when small, upscaled with sharp so the face is
// ~CALIBRATION_FACE_PX (a camera would have resolved it; the descriptor chip is 150 px).
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { decodeImage, type FaceAnalyzer, type FaceBox, type RgbImage } from '../../vision/face/index.js';

export const CALIBRATION_FACE_PX = 200;
/** Faces under this side on the source are left out: upscaling them invents the face. */
const MIN_SOURCE_FACE_PX = 48;

/**
 * Some people appear in more than one photo: the same person, told by looking at the pictures
 * (the labels of the set, not a tuning knob), keeps the first photo's identity.
 */
const SAME_PERSON: Record<string, string> = {
  'sample3#2': 'sample1#3',
};

export interface PackageFace {
  /** `<image>#<n>`: one person per face found (group photos: people differ within a photo). */
  identity: string;
  /** `<image>#<n>`: the photo the face was cut from (two photos may show one person). */
  source: string;
  /** The person's photo (JPEG), face ≈ CALIBRATION_FACE_PX. */
  photo: Buffer;
  /** Face side on the source image, px (before any upscale). */
  sourceFacePx: number;
}

/** The package images the set is cut from (paths resolved in node_modules). */
export function packageImages(): string[] {
  const require = createRequire(import.meta.url);
  const faceApi = dirname(dirname(require.resolve('@vladmandic/face-api')));
  return [1, 2, 3, 4, 5, 6].map((i) => join(faceApi, 'demo', `sample${i}.jpg`));
}

/**
 * Every face of each image: the detector returns at most five faces a call, so found faces are
 * painted over and the image is searched again until nothing more is found.
 */
export async function packageFaces(analyzer: FaceAnalyzer, images = packageImages()): Promise<PackageFace[]> {
  const out: PackageFace[] = [];
  for (const path of images) {
    const image = await decodeImage(await sharp(path).toBuffer(), { maxSide: 4096 });
    const boxes: FaceBox[] = [];
    const work = { ...image, data: new Uint8Array(image.data) };
    for (let round = 0; round < 6; round++) {
      const found = (await analyzer.analyze(work, { iris: false, emotion: false })).filter((f) => !boxes.some((b) => overlaps(b, f.box)));
      if (!found.length) break;
      for (const f of found) {
        boxes.push(f.box);
        paint(work, f.box);
      }
    }
    const name = path.split('/').slice(-1)[0]!.replace(/\.\w+$/, '');
    boxes.sort((a, b) => a.x - b.x);
    for (const [i, box] of boxes.entries()) {
      const side = Math.max(box.width, box.height);
      if (side < MIN_SOURCE_FACE_PX) continue;
      // The neighbours are painted over: the person's photo shows one face (the largest is described).
      const alone = { ...image, data: new Uint8Array(image.data) };
      for (const other of boxes) if (other !== box) paint(alone, other);
      const id = `${name}#${i + 1}`;
      out.push({ identity: SAME_PERSON[id] ?? id, source: id, photo: await portrait(alone, box), sourceFacePx: Math.round(side) });
    }
  }
  return out;
}

/** The face with a face-width around it, face ≈ CALIBRATION_FACE_PX. */
async function portrait(image: RgbImage, box: FaceBox): Promise<Buffer> {
  const side = Math.max(box.width, box.height);
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  const half = side * 1.5; // a face-width of surroundings each side
  const left = Math.max(0, Math.round(cx - half));
  const top = Math.max(0, Math.round(cy - half));
  const width = Math.min(image.width - left, Math.round(2 * half));
  const height = Math.min(image.height - top, Math.round(2 * half));
  const scale = CALIBRATION_FACE_PX / side;
  return sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .extract({ left, top, width, height })
    .resize({ width: Math.round(width * scale), kernel: 'lanczos3' })
    .jpeg({ quality: 95 })
    .toBuffer();
}

function overlaps(a: FaceBox, b: FaceBox): boolean {
  const ix = Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x));
  const iy = Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));
  return ix * iy > 0.3 * Math.min(a.width * a.height, b.width * b.height);
}

/** Fills a found face with grey so the next search finds the others. */
function paint(image: RgbImage, box: FaceBox): void {
  const x0 = Math.max(0, Math.floor(box.x));
  const y0 = Math.max(0, Math.floor(box.y));
  const x1 = Math.min(image.width, Math.ceil(box.x + box.width));
  const y1 = Math.min(image.height, Math.ceil(box.y + box.height));
  for (let y = y0; y < y1; y++) image.data.fill(128, (y * image.width + x0) * 3, (y * image.width + x1) * 3);
}
