/** sharp preprocessing: decoded and upright (EXIF), greyscale working copy, rotations, page scaling. */
import sharp from 'sharp';
import { decodeImage } from '../image-decode.js';

export interface GreyImage { data: Buffer; width: number; height: number }
export interface Rect { left: number; top: number; width: number; height: number }

const MAX_SIDE = 2400; // larger photos only cost time: MRZ glyphs are still > 20 px there

/**
 * The page, upright (EXIF) and grey. `blackInk`: each pixel's brightest colour channel instead of
 * its luminance, so coloured print (guilloché, tinted backgrounds) turns light and only what is
 * dark in every channel stays dark: black ink, such as the MRZ's.
 */
export async function loadOriented(image: Buffer, opts: { blackInk?: boolean } = {}): Promise<GreyImage> {
  const page = (await decodeImage(image)).resize({ width: MAX_SIDE, height: MAX_SIDE, fit: 'inside', withoutEnlargement: true });
  if (!opts.blackInk) {
    const { data, info } = await page.greyscale().raw().toBuffer({ resolveWithObject: true });
    return { data, width: info.width, height: info.height };
  }
  const { data, info } = await page.removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  const grey = Buffer.alloc(info.width * info.height);
  for (let i = 0, j = 0; i < grey.length; i++, j += info.channels) grey[i] = Math.max(data[j]!, data[j + 1] ?? 0, data[j + 2] ?? 0);
  return { data: grey, width: info.width, height: info.height };
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

export function clampRect(rect: Rect, img: { width: number; height: number }): Rect {
  const left = Math.max(0, Math.min(img.width - 1, Math.round(rect.left)));
  const top = Math.max(0, Math.min(img.height - 1, Math.round(rect.top)));
  const width = Math.max(1, Math.min(img.width - left, Math.round(rect.width)));
  const height = Math.max(1, Math.min(img.height - top, Math.round(rect.height)));
  return { left, top, width, height };
}
