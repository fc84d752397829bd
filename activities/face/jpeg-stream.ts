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
