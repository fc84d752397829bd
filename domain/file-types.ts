/**
 * Content types sniffed from a file's first bytes; the client's declared type and file name are
 * never trusted. Only the formats the service accepts are recognised.
 */
export type SniffedType =
  | 'image/jpeg' | 'image/png' | 'image/webp' | 'image/heic' | 'image/avif' | 'image/tiff' | 'image/gif' | 'image/bmp'
  | 'application/pdf' | 'video/mp4' | 'video/quicktime' | 'video/webm';

const ascii = (bytes: Uint8Array, from: number, to: number): string => String.fromCharCode(...bytes.subarray(from, to));

// ISO-BMFF major brands of still images (HEIF with HEVC as phones write it; AVIF).
const HEIF_BRANDS = ['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'mif1', 'msf1'];
const AVIF_BRANDS = ['avif', 'avis'];

/**
 * ISO base media files (`ftyp` box) whose major brand is a video format. The same box starts
 * still images (HEIC, AVIF above) and other formats (JPEG 2000, camera raw), which are no video.
 */
const VIDEO_BRANDS = new Map<string, SniffedType>([
  ...['isom', 'iso2', 'iso3', 'iso4', 'iso5', 'iso6', 'mp41', 'mp42', 'mp71', 'avc1', 'dash', 'M4V ', 'M4VH', 'M4VP', 'MSNV', 'f4v ', '3gp4', '3gp5', '3gp6', '3gp7', '3g2a']
    .map((brand) => [brand, 'video/mp4'] as const),
  ['qt  ', 'video/quicktime'],
]);

export function sniffContentType(head: Uint8Array): SniffedType | undefined {
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'image/jpeg';
  if (ascii(head, 0, 8) === '\x89PNG\r\n\x1a\n') return 'image/png';
  if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 12) === 'WEBP') return 'image/webp';
  if (ascii(head, 0, 4) === 'II*\0' || ascii(head, 0, 4) === 'MM\0*') return 'image/tiff';
  if (ascii(head, 0, 6) === 'GIF87a' || ascii(head, 0, 6) === 'GIF89a') return 'image/gif';
  // BMP: 'BM', then a header size that exists (core, info or v2–v5 header).
  if (ascii(head, 0, 2) === 'BM' && head.length >= 16 && [12, 40, 52, 56, 64, 108, 124].includes(head[14]! | (head[15]! << 8))) return 'image/bmp';
  if (ascii(head, 0, 5) === '%PDF-') return 'application/pdf';
  if (ascii(head, 4, 8) === 'ftyp') {
    const brand = ascii(head, 8, 12);
    if (HEIF_BRANDS.includes(brand)) return 'image/heic';
    if (AVIF_BRANDS.includes(brand)) return 'image/avif';
    return VIDEO_BRANDS.get(brand);
  }
  if (head[0] === 0x1a && head[1] === 0x45 && head[2] === 0xdf && head[3] === 0xa3) return 'video/webm';
  return undefined;
}

/** Document photos and scans: every format a phone or a desktop scanner writes. */
export const IMAGE_TYPES: readonly SniffedType[] = ['image/jpeg', 'image/png', 'image/webp', 'image/heic', 'image/avif', 'image/tiff', 'image/gif', 'image/bmp', 'application/pdf'];
export const VIDEO_TYPES: readonly SniffedType[] = ['video/mp4', 'video/quicktime', 'video/webm'];
