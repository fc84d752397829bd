import sharp from 'sharp';
import { DAMAGED_IMAGE, decodeImage as decodeAnyImage, UnreadableImage } from '../image-decode.js';
import { ImageRejected } from './errors.js';
import type { RgbImage } from './rgb-image.js';

export interface DecodeOptions {
  /** Longest side after decoding (never upscaled). Default 1280. */
  maxSide?: number;
}

/**
 * Decodes a photo to RGB with the service's one image decoder (every format an upload may be: a
 * document photographed as HEIC or scanned as BMP or PDF has its portrait matched too), EXIF
 * orientation applied as a phone camera meant it. Failures say so in our words (the decoder's own
 * text stays on the error's cause).
 */
export async function decodeImage(bytes: Uint8Array, opts: DecodeOptions = {}): Promise<RgbImage> {
  const maxSide = opts.maxSide ?? 1280;
  try {
    const image = await decodeAnyImage(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    const { data, info } = await image
      .resize({ width: maxSide, height: maxSide, fit: 'inside', withoutEnlargement: true })
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
  } catch (err) {
    throw new ImageRejected(err instanceof UnreadableImage ? err.message : DAMAGED_IMAGE, { cause: err });
  }
}

/** Decodes one JPEG frame (from ffmpeg) to RGB; libvips works off the main thread. */
export async function decodeJpegFrame(jpeg: Uint8Array): Promise<RgbImage> {
  const { data, info } = await sharp(jpeg).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}

/** Crops a region (clamped to the image) and scales it so its longest side is `side`. */
export async function cropAndScale(
  image: RgbImage,
  region: { x: number; y: number; width: number; height: number },
  side: number,
): Promise<RgbImage> {
  const { x: left, y: top, width, height } = clampRegion(image, region);
  const { data, info } = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .extract({ left, top, width, height })
    .resize({ width: side, height: side, fit: 'inside' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}

/** The whole-pixel part of `region` that lies on the image (what cropAndScale cuts out). */
export function clampRegion(image: { width: number; height: number }, region: { x: number; y: number; width: number; height: number }) {
  const x = Math.max(0, Math.floor(region.x));
  const y = Math.max(0, Math.floor(region.y));
  return { x, y, width: Math.min(image.width - x, Math.ceil(region.width)), height: Math.min(image.height - y, Math.ceil(region.height)) };
}
