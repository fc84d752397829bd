/**
 * One decoder for every image format a phone or scanner makes, used by the upload route (to
 * refuse oversized images before any decoding) and by the readers. sharp (libvips) decodes JPEG,
 * PNG, WebP, TIFF, GIF and AVIF itself; its prebuilt libheif has no HEVC decoder, so iPhone HEIC
 * goes through heic-decode (libheif compiled to WASM); BMP, which libvips does not read, through
 * bmp-ts; a scanned PDF's first page through pdfjs-dist (the largest image painted on it).
 * Every path checks the pixel count from the header before decoding (decompression bombs).
 */
import { createRequire } from 'node:module';
import sharp, { type Sharp } from 'sharp';
import { sniffContentType, type SniffedType } from '../domain/file-types.js';

/** Images larger than this many pixels are refused before decoding (decompression bombs). */
export const MAX_INPUT_PIXELS = 50_000_000;

export class UnreadableImage extends Error {
  override name = 'UnreadableImage';
}

/**
 * What the user is told when a decoder fails: the decoders' own messages (libvips, libheif,
 * pdf.js) describe their internals, at length: they stay on the error's `cause`, unshown.
 */
export const DAMAGED_IMAGE = 'the image could not be decoded: the file is damaged, cut off or not an image this service reads';

/** Too many pixels: refused from the header, nothing decoded. */
export class ImageTooLarge extends UnreadableImage {
  override name = 'ImageTooLarge';
}

/** Format and size as the image is meant to be seen (EXIF orientation applied). */
export interface ImageInfo { type: SniffedType; width: number; height: number }

const require = createRequire(import.meta.url);

/** Format and size from the header alone; throws UnreadableImage / ImageTooLarge. */
export async function inspectImage(bytes: Buffer): Promise<ImageInfo> {
  const type = sniffContentType(bytes.subarray(0, 32));
  if (!type || !type.startsWith('image/') && type !== 'application/pdf') throw new UnreadableImage('not an image file this service reads');
  const { width, height } = type === 'image/bmp' ? bmpSize(bytes) : type === 'application/pdf' ? await pdfImageSize(bytes) : await headerSize(bytes);
  if (!(width > 0 && height > 0)) throw new UnreadableImage('the image has no size');
  if (width * height > MAX_INPUT_PIXELS) throw new ImageTooLarge(`the image is ${width}×${height} pixels; at most ${MAX_INPUT_PIXELS / 1e6} megapixels are accepted`);
  return { type, width, height };
}

/**
 * A sharp pipeline over the decoded image, EXIF orientation applied, pixel limit enforced.
 * `failOn: 'truncated'` makes a cut-off file fail rather than decode half grey.
 */
export async function decodeImage(bytes: Buffer): Promise<Sharp> {
  const info = await inspectImage(bytes);
  try {
    switch (info.type) {
      case 'image/heic': return fromRaw(await heicPixels(bytes));
      case 'image/bmp': return fromRaw(bmpPixels(bytes));
      case 'application/pdf': return fromRaw(await pdfPixels(bytes));
      default: return sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'truncated' }).rotate();
    }
  } catch (err) {
    if (err instanceof UnreadableImage) throw err;
    throw new UnreadableImage(DAMAGED_IMAGE, { cause: err });
  }
}

interface RawPixels { data: Uint8Array; width: number; height: number; channels: 1 | 3 | 4 }

const fromRaw = (p: RawPixels) => sharp(Buffer.from(p.data.buffer, p.data.byteOffset, p.data.byteLength), { raw: { width: p.width, height: p.height, channels: p.channels }, limitInputPixels: MAX_INPUT_PIXELS });

async function headerSize(bytes: Buffer): Promise<{ width: number; height: number }> {
  try {
    // libvips reads dimensions (and EXIF orientation) from the header without decoding pixels.
    const m = await sharp(bytes, { limitInputPixels: false }).metadata();
    const turned = (m.orientation ?? 1) >= 5;
    return { width: (turned ? m.height : m.width) ?? 0, height: (turned ? m.width : m.height) ?? 0 };
  } catch (err) {
    throw new UnreadableImage(DAMAGED_IMAGE, { cause: err });
  }
}

async function heicPixels(bytes: Buffer): Promise<RawPixels> {
  const decode = require('heic-decode') as (o: { buffer: Buffer }) => Promise<{ width: number; height: number; data: Uint8ClampedArray }>;
  const { width, height, data } = await decode({ buffer: bytes });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width, height, channels: 4 };
}

/** BITMAPINFOHEADER width and height (negative height: rows stored top-down). */
function bmpSize(bytes: Buffer): { width: number; height: number } {
  if (bytes.length < 26) throw new UnreadableImage('the BMP file is cut short');
  const headerSize = bytes.readUInt32LE(14);
  if (headerSize === 12) return { width: bytes.readUInt16LE(18), height: bytes.readUInt16LE(20) };
  return { width: Math.abs(bytes.readInt32LE(18)), height: Math.abs(bytes.readInt32LE(22)) };
}

function bmpPixels(bytes: Buffer): RawPixels {
  const bmp = require('bmp-ts') as { decode(b: Buffer, o: { toRGBA: boolean }): { width: number; height: number; data: Buffer } };
  const { width, height, data } = bmp.decode(bytes, { toRGBA: true });
  if (data.length < width * height * 4) throw new UnreadableImage('the BMP file is cut short');
  // RGBA with the alpha byte unset for 24-bit files: keep the colours only.
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0, j = 0; j < rgb.length; i += 4, j += 3) { rgb[j] = data[i]!; rgb[j + 1] = data[i + 1]!; rgb[j + 2] = data[i + 2]!; }
  return { data: rgb, width, height, channels: 3 };
}

// pdfjs operator codes: an image painted on the page.
const PAINT_IMAGE = [85 /* paintImageXObject */, 86 /* paintInlineImageXObject */];

interface PdfImage { width: number; height: number; data: Uint8ClampedArray | Uint8Array; kind: number }

/** The first page of a PDF scan: its largest painted image (a scanner writes one per page). */
async function pdfFirstPageImage(bytes: Buffer, decode: boolean): Promise<{ image: PdfImage | null; rotate: number; width: number; height: number }> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await pdfjs.getDocument({
    data: new Uint8Array(bytes), maxImageSize: MAX_INPUT_PIXELS, isEvalSupported: false, disableFontFace: true,
    useSystemFonts: false, stopAtErrors: true, verbosity: 0,
  }).promise;
  try {
    const page = await doc.getPage(1);
    const ops = await page.getOperatorList();
    let best: PdfImage | null = null;
    for (let i = 0; i < ops.fnArray.length; i++) {
      if (!PAINT_IMAGE.includes(ops.fnArray[i]!)) continue;
      const arg = ops.argsArray[i]![0] as string | PdfImage;
      const img = typeof arg === 'string' ? await objectOf(page, arg) : arg;
      if (img && (!best || img.width * img.height > best.width * best.height)) best = img;
    }
    return { image: decode ? best : best && { ...best, data: new Uint8Array(0) }, rotate: page.rotate, width: best?.width ?? 0, height: best?.height ?? 0 };
  } finally {
    await doc.destroy();
  }
}

function objectOf(page: { objs: { get(name: string, cb: (o: unknown) => void): void }; commonObjs: { get(name: string, cb: (o: unknown) => void): void } }, name: string): Promise<PdfImage | null> {
  const store = name.startsWith('g_') ? page.commonObjs : page.objs;
  return new Promise((resolve) => store.get(name, (o) => resolve((o as PdfImage | null) ?? null)));
}

async function pdfImageSize(bytes: Buffer): Promise<{ width: number; height: number }> {
  try {
    const { width, height } = await pdfFirstPageImage(bytes, false);
    if (!width) throw new UnreadableImage('the PDF\'s first page holds no scanned image; upload a photo or a scan');
    return { width, height };
  } catch (err) {
    if (err instanceof UnreadableImage) throw err;
    throw new UnreadableImage('the PDF could not be read: the file is damaged or not a PDF this service reads', { cause: err });
  }
}

async function pdfPixels(bytes: Buffer): Promise<RawPixels> {
  const { image, rotate } = await pdfFirstPageImage(bytes, true);
  if (!image) throw new UnreadableImage('the PDF\'s first page holds no scanned image');
  // pdfjs image kinds: 1 = 1 bit grey (packed rows), 2 = RGB, 3 = RGBA.
  const channels = image.kind === 2 ? 3 : image.kind === 3 ? 4 : 1;
  const data = image.kind === 1 ? unpackBits(image.data, image.width, image.height) : new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.byteLength);
  const pixels: RawPixels = { data, width: image.width, height: image.height, channels };
  if (!rotate) return pixels;
  const { data: turned, info } = await fromRaw(pixels).rotate(rotate).raw().toBuffer({ resolveWithObject: true });
  return { data: turned, width: info.width, height: info.height, channels: info.channels as RawPixels['channels'] };
}

function unpackBits(packed: Uint8Array | Uint8ClampedArray, width: number, height: number): Uint8Array {
  const rowBytes = Math.ceil(width / 8);
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) out[y * width + x] = (packed[y * rowBytes + (x >> 3)]! >> (7 - (x & 7))) & 1 ? 255 : 0;
  return out;
}
