/** sharp preprocessing: EXIF orientation, greyscale working copy, rotations and MRZ crops. */
import sharp from 'sharp';
import { decodeImage } from '../image-decode.js';

export interface GreyImage { data: Buffer; width: number; height: number }
export interface Rect { left: number; top: number; width: number; height: number }

const MAX_SIDE = 2400; // larger photos only cost time: MRZ glyphs are still > 20 px there

export async function loadOriented(image: Buffer): Promise<GreyImage> {
  const { data, info } = await (await decodeImage(image)) // EXIF orientation applied
    .resize({ width: MAX_SIDE, height: MAX_SIDE, fit: 'inside', withoutEnlargement: true })
    .greyscale()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

export const raw = (img: GreyImage) => sharp(img.data, { raw: { width: img.width, height: img.height, channels: 1 } });

/**
 * Turn clockwise by any angle. New corners stay black: white ones made tesseract miss the text of
 * washed-out photos levelled by a few degrees.
 */
export async function rotateGrey(img: GreyImage, degrees: number): Promise<GreyImage> {
  // sharp's rotate hands back three channels even for one-channel input: keep one.
  const { data, info } = await raw(img).rotate(degrees).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** Whole page at a fixed working width (small scans are upscaled) for line finding and VIZ. */
export async function pagePng(img: GreyImage, width: number): Promise<{ png: Buffer; scale: number }> {
  const scale = width / img.width;
  const png = await raw(img).resize({ width, kernel: 'lanczos3' }).normalise().png({ compressionLevel: 1 }).toBuffer();
  return { png, scale };
}

export interface CropOptions { angleDeg: number; scale: number; binarise: boolean }

/** Crop, deskew and rescale a region; optionally binarise with an Otsu threshold. */
export const CROP_BORDER = 20;

/** The crop as PNG for tesseract, plus its binarised pixels (without the border) for shape tests. */
export async function cropPng(img: GreyImage, rect: Rect, o: CropOptions): Promise<{ png: Buffer; ink: GreyImage }> {
  const r = clampRect(rect, img);
  let pipeline = raw(img).extract(r);
  if (Math.abs(o.angleDeg) > 0.3) pipeline = sharp(await pipeline.rotate(-o.angleDeg, { background: '#ffffff' }).png().toBuffer());
  const scaled = await pipeline
    .resize({ width: Math.max(1, Math.round(r.width * o.scale)), kernel: 'lanczos3' })
    .greyscale()
    .normalise()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const binary = threshold(scaled.data, otsu(scaled.data));
  const data = o.binarise ? binary : scaled.data;
  const png = await sharp(data, { raw: { width: scaled.info.width, height: scaled.info.height, channels: 1 } })
    .extend({ top: CROP_BORDER, bottom: CROP_BORDER, left: CROP_BORDER, right: CROP_BORDER, background: '#ffffff' })
    .png({ compressionLevel: 1 })
    .toBuffer();
  return { png, ink: { data: binary, width: scaled.info.width, height: scaled.info.height } };
}

export function clampRect(rect: Rect, img: { width: number; height: number }): Rect {
  const left = Math.max(0, Math.min(img.width - 1, Math.round(rect.left)));
  const top = Math.max(0, Math.min(img.height - 1, Math.round(rect.top)));
  const width = Math.max(1, Math.min(img.width - left, Math.round(rect.width)));
  const height = Math.max(1, Math.min(img.height - top, Math.round(rect.height)));
  return { left, top, width, height };
}

export function otsu(data: Buffer): number {
  const hist = new Array<number>(256).fill(0);
  for (const v of data) hist[v]!++;
  const total = data.length;
  let sumAll = 0;
  for (let i = 0; i < 256; i++) sumAll += i * hist[i]!;
  let wB = 0, sumB = 0, best = 0, bestT = 128;
  for (let t = 0; t < 256; t++) {
    wB += hist[t]!;
    if (wB === 0 || wB === total) continue;
    sumB += t * hist[t]!;
    const mB = sumB / wB, mF = (sumAll - sumB) / (total - wB);
    const between = wB * (total - wB) * (mB - mF) ** 2;
    if (between > best) { best = between; bestT = t; }
  }
  return bestT;
}

function threshold(data: Buffer, t: number): Buffer {
  const out = Buffer.allocUnsafe(data.length);
  for (let i = 0; i < data.length; i++) out[i] = data[i]! > t ? 255 : 0;
  return out;
}
