// The face calibration set: people photographed in sample photos that ship inside published
// packages (training/face/calibration-sources.ts), independent of ../shared/fixtures (the test
// set). Each face found becomes one person's "photo": cut out with its surroundings and, when
// small, upscaled with sharp so the face is ~CALIBRATION_FACE_PX (a camera would have resolved
// it; the descriptor chip is 150 px).
import { join } from 'node:path';
import sharp from 'sharp';
import { decodeImage, type FaceAnalyzer, type FaceBox, type RgbImage } from '../../vision/face/index.js';
import { CALIBRATION_SOURCES, sourceDir, type CalibrationPhoto, type CalibrationSource } from './calibration-sources.js';

export const CALIBRATION_FACE_PX = 200;
/** Faces under this side on the source are left out: upscaling them invents the face. */
const MIN_SOURCE_FACE_PX = 48;

export interface PackageFace {
  /** The person: a label of the source list, or `<photo>#<n>` for a face of a group photo. */
  identity: string;
  /** `<photo>#<n>`: the photo the face was cut from (two photos may show one person). */
  source: string;
  /** The package the photo ships in. */
  pkg: string;
  /** The person's photo (JPEG), face ≈ CALIBRATION_FACE_PX. */
  photo: Buffer;
  /** Face side on the source image, px (before any upscale). */
  sourceFacePx: number;
}

export async function packageFaces(analyzer: FaceAnalyzer, sources: CalibrationSource[] = CALIBRATION_SOURCES): Promise<PackageFace[]> {
  const out: PackageFace[] = [];
  for (const source of sources) {
    const dir = await sourceDir(source);
    for (const photo of source.photos) out.push(...(await photoFaces(analyzer, source.spec, join(dir, photo.file), photo)));
  }
  return out;
}

async function photoFaces(analyzer: FaceAnalyzer, pkg: string, path: string, photo: CalibrationPhoto): Promise<PackageFace[]> {
  const bytes = await sharp(path).rotate(photo.rotate ?? 0).jpeg({ quality: 95 }).toBuffer();
  const image = await decodeImage(bytes, { maxSide: 4096 });
  const boxes = (await allFaces(analyzer, image)).filter((b) => Math.max(b.width, b.height) >= MIN_SOURCE_FACE_PX);
  const { label } = photo;
  const chosen = label.kind === 'person' ? [...boxes].sort((a, b) => b.width * b.height - a.width * a.height).slice(0, 1) : boxes;
  const out: PackageFace[] = [];
  for (const [i, box] of chosen.entries()) {
    const id = `${photo.file}#${i + 1}`;
    if (label.kind === 'group' && label.skip?.includes(i + 1)) continue;
    const identity = label.kind === 'group' ? (label.same?.[i + 1] ?? id) : label.person;
    // The neighbours are painted over: the person's photo shows one face (the largest is described).
    const alone = { ...image, data: new Uint8Array(image.data) };
    for (const other of boxes) if (other !== box) paint(alone, other);
    out.push({ identity, source: id, pkg, photo: await portrait(alone, box), sourceFacePx: Math.round(Math.max(box.width, box.height)) });
  }
  return out;
}

/**
 * Every face of an image, left to right: the detector returns at most five faces a call, so
 * found faces are painted over and the image is searched again until nothing more is found.
 */
async function allFaces(analyzer: FaceAnalyzer, image: RgbImage): Promise<FaceBox[]> {
  const boxes: FaceBox[] = [];
  const work = { ...image, data: new Uint8Array(image.data) };
  for (let round = 0; round < 8; round++) {
    const found = (await analyzer.analyze(work, { iris: false, emotion: false })).filter((f) => !boxes.some((b) => overlaps(b, f.box)));
    if (!found.length) break;
    for (const f of found) {
      boxes.push(f.box);
      paint(work, f.box);
    }
  }
  return boxes.sort((a, b) => a.x - b.x);
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
