/** An 8-bit RGB image, row-major, 3 bytes per pixel. */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/**
 * Splits a stream of concatenated binary PPM (P6, maxval 255) images, as written by
 * `ffmpeg -f image2pipe -c:v ppm`. PPM carries its own size, so rotated or odd-sized
 * videos need no guessing of the output dimensions. A trailing partial image is dropped.
 */
export function splitPpmStream(buf: Uint8Array, maxImages: number): RgbImage[] {
  const images: RgbImage[] = [];
  let pos = 0;
  while (pos < buf.length && images.length < maxImages) {
    const header = readHeader(buf, pos);
    if (!header) break;
    const bytes = header.width * header.height * 3;
    if (header.dataStart + bytes > buf.length) break;
    images.push({
      width: header.width,
      height: header.height,
      data: buf.subarray(header.dataStart, header.dataStart + bytes),
    });
    pos = header.dataStart + bytes;
  }
  return images;
}

interface PpmHeader {
  width: number;
  height: number;
  dataStart: number;
}

function readHeader(buf: Uint8Array, start: number): PpmHeader | undefined {
  if (buf[start] !== 0x50 || buf[start + 1] !== 0x36) return undefined; // "P6"
  const fields: number[] = [];
  let pos = start + 2;
  while (fields.length < 3 && pos < buf.length) {
    pos = skipWhitespaceAndComments(buf, pos);
    let value = 0;
    let digits = 0;
    for (let c = buf[pos]; c !== undefined && c >= 0x30 && c <= 0x39; c = buf[++pos]) {
      value = value * 10 + (c - 0x30);
      digits++;
    }
    if (digits === 0) return undefined;
    fields.push(value);
  }
  const [width, height, maxval] = fields;
  if (!width || !height || maxval !== 255) return undefined;
  return { width, height, dataStart: pos + 1 }; // exactly one whitespace byte before the raster
}

function skipWhitespaceAndComments(buf: Uint8Array, pos: number): number {
  for (;;) {
    const c = buf[pos];
    if (c === 0x23) {
      while (pos < buf.length && buf[pos] !== 0x0a) pos++;
    } else if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) {
      pos++;
    } else {
      return pos;
    }
  }
}
