/**
 * Splits concatenated baseline JPEGs, as written by `ffmpeg -f image2pipe -c:v mjpeg`. Inside
 * entropy-coded data every 0xFF byte is followed by 0x00 (stuffing) or a restart marker, so an
 * end-of-image marker (FF D9) can only end a picture. A trailing partial picture is dropped.
 */
export function splitJpegStream(buf: Uint8Array, maxImages: number): Uint8Array[] {
  const images: Uint8Array[] = [];
  let start = -1;
  for (let i = 0; i + 1 < buf.length && images.length < maxImages; i++) {
    if (buf[i] !== 0xff) continue;
    const marker = buf[i + 1];
    if (marker === 0xd8 && start < 0) {
      start = i;
    } else if (marker === 0xd9 && start >= 0) {
      images.push(buf.subarray(start, i + 2));
      start = -1;
    }
  }
  return images;
}

/** splitJpegStream over a stream that arrives in chunks: `push` returns the pictures completed. */
export class JpegSplitter {
  private buf: Buffer = Buffer.alloc(0);
  /** Where the current picture starts in `buf`, -1 between pictures. */
  private start = -1;
  /** Next byte of `buf` to examine as the first byte of a marker. */
  private next = 0;
  private count = 0;

  constructor(private readonly maxImages: number) {}

  push(chunk: Uint8Array): Uint8Array[] {
    const images: Uint8Array[] = [];
    if (this.count >= this.maxImages) return images;
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : Buffer.from(chunk);
    const buf = this.buf;
    let i = this.next;
    for (; i + 1 < buf.length && this.count < this.maxImages; i++) {
      if (buf[i] !== 0xff) continue;
      const marker = buf[i + 1];
      if (marker === 0xd8 && this.start < 0) {
        this.start = i;
      } else if (marker === 0xd9 && this.start >= 0) {
        images.push(Uint8Array.prototype.slice.call(buf, this.start, i + 2));
        this.count++;
        this.start = -1;
      }
    }
    // Keep only the picture in progress (or the last byte, which may begin a marker).
    const keep = this.start >= 0 ? this.start : Math.max(0, i);
    this.buf = buf.subarray(keep);
    this.next = i - keep;
    if (this.start >= 0) this.start = 0;
    return images;
  }
}
