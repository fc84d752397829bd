/**
 * A document photo in every format a phone or scanner writes, made here without fixtures: sharp
 * encodes JPEG/PNG/WebP/TIFF/GIF/AVIF, Debian's heif-enc HEIC (HEVC; no npm package encodes it),
 * and small writers below BMP (as desktop scanners save) and a one-page PDF scan. Also
 * decompression bombs: headers that declare 30000 × 30000 pixels over a few bytes of data.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';

export const FORMATS = ['jpeg', 'png', 'webp', 'tiff', 'gif', 'avif', 'heic', 'bmp', 'pdf'] as const;
export type Format = (typeof FORMATS)[number];

export const heifEncAvailable = (() => { try { execFileSync('heif-enc', ['--version'], { stdio: 'pipe' }); return true; } catch { return false; } })();

export async function inFormat(png: Buffer, format: Format): Promise<Buffer> {
  switch (format) {
    case 'jpeg': return sharp(png).jpeg({ quality: 90 }).toBuffer();
    case 'png': return png;
    case 'webp': return sharp(png).webp({ quality: 90 }).toBuffer();
    case 'tiff': return sharp(png).tiff({ compression: 'lzw' }).toBuffer();
    case 'gif': return sharp(png).gif().toBuffer();
    case 'avif': return sharp(png).avif({ quality: 70 }).toBuffer();
    case 'heic': return heic(png);
    case 'bmp': return bmp(png);
    case 'pdf': return pdfScan(await sharp(png).jpeg({ quality: 90 }).toBuffer());
  }
}

function heic(png: Buffer): Buffer {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'heic-'));
  try {
    writeFileSync(path.join(dir, 'in.png'), png);
    execFileSync('heif-enc', ['-q', '85', '-o', path.join(dir, 'out.heic'), path.join(dir, 'in.png')], { stdio: 'pipe' });
    return readFileSync(path.join(dir, 'out.heic'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** 24-bit BMP (BITMAPINFOHEADER, bottom-up rows padded to 4 bytes), as scanners save. */
export async function bmp(png: Buffer): Promise<Buffer> {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const rowBytes = Math.ceil((info.width * 3) / 4) * 4;
  const out = Buffer.alloc(54 + rowBytes * info.height);
  bmpHeader(out, info.width, info.height, rowBytes * info.height);
  for (let y = 0; y < info.height; y++) {
    for (let x = 0; x < info.width; x++) {
      const src = (y * info.width + x) * 3, dst = 54 + (info.height - 1 - y) * rowBytes + x * 3;
      out[dst] = data[src + 2]!; out[dst + 1] = data[src + 1]!; out[dst + 2] = data[src]!; // BGR
    }
  }
  return out;
}

function bmpHeader(out: Buffer, width: number, height: number, imageBytes: number) {
  out.write('BM', 0, 'ascii');
  out.writeUInt32LE(54 + imageBytes, 2);
  out.writeUInt32LE(54, 10);
  out.writeUInt32LE(40, 14);
  out.writeInt32LE(width, 18);
  out.writeInt32LE(height, 22);
  out.writeUInt16LE(1, 26);
  out.writeUInt16LE(24, 28);
  out.writeUInt32LE(imageBytes, 34);
}

/** A one-page PDF whose page is one JPEG image, as a scanner's "scan to PDF" writes it. */
export function pdfScan(jpeg: Buffer, size?: { width: number; height: number }): Buffer {
  const { width, height } = size ?? jpegSize(jpeg);
  const content = `q ${width} 0 0 ${height} 0 0 cm /Im0 Do Q`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${width} ${height}] /Resources << /XObject << /Im0 4 0 R >> >> /Contents 5 0 R >>`,
    Buffer.concat([Buffer.from(`<< /Type /XObject /Subtype /Image /Width ${width} /Height ${height} /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode /Length ${jpeg.length} >>\nstream\n`), jpeg, Buffer.from('\nendstream')]),
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
  ];
  const parts: Buffer[] = [Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  const offsets: number[] = [];
  let pos = parts[0]!.length;
  objects.forEach((o, i) => {
    offsets.push(pos);
    const b = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`), Buffer.isBuffer(o) ? o : Buffer.from(o), Buffer.from('\nendobj\n')]);
    parts.push(b);
    pos += b.length;
  });
  const xref = `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${pos}\n%%EOF\n`;
  return Buffer.concat([...parts, Buffer.from(xref)]);
}

function jpegSize(jpeg: Buffer): { width: number; height: number } {
  for (let i = 2; i < jpeg.length;) {
    const marker = jpeg[i + 1]!, len = jpeg.readUInt16BE(i + 2);
    if (marker >= 0xc0 && marker <= 0xc3) return { height: jpeg.readUInt16BE(i + 5), width: jpeg.readUInt16BE(i + 7) };
    i += 2 + len;
  }
  throw new Error('no JPEG frame header');
}

const BOMB = 30_000;

/** BMP header declaring 30000 × 30000 × 24 bit over 1 KB of data. */
export function bmpBomb(): Buffer {
  const out = Buffer.alloc(54 + 1024);
  bmpHeader(out, BOMB, BOMB, 1024);
  return out;
}

/** Little-endian TIFF with one IFD: 30000 × 30000 greyscale, one tiny strip. */
export function tiffBomb(): Buffer {
  const entries: Array<[number, number, number, number]> = [ // tag, type (3 SHORT, 4 LONG), count, value
    [256, 4, 1, BOMB], [257, 4, 1, BOMB], [258, 3, 1, 8], [259, 3, 1, 1], [262, 3, 1, 1],
    [273, 4, 1, 8 + 2 + 9 * 12 + 4], [277, 3, 1, 1], [278, 4, 1, BOMB], [279, 4, 1, 64],
  ];
  const out = Buffer.alloc(8 + 2 + entries.length * 12 + 4 + 64);
  out.write('II', 0, 'ascii'); out.writeUInt16LE(42, 2); out.writeUInt32LE(8, 4);
  out.writeUInt16LE(entries.length, 8);
  entries.forEach(([tag, type, count, value], i) => {
    const at = 10 + i * 12;
    out.writeUInt16LE(tag, at); out.writeUInt16LE(type, at + 2); out.writeUInt32LE(count, at + 4);
    if (type === 3) out.writeUInt16LE(value, at + 8); else out.writeUInt32LE(value, at + 8);
  });
  return out;
}

/** A real small HEIC whose image size box (ispe) is rewritten to 30000 × 30000. */
export async function heicBomb(): Promise<Buffer> {
  const small = heic(await sharp({ create: { width: 64, height: 64, channels: 3, background: '#888' } }).png().toBuffer());
  for (let i = small.indexOf('ispe'); i >= 0; i = small.indexOf('ispe', i + 4)) {
    small.writeUInt32BE(BOMB, i + 8);
    small.writeUInt32BE(BOMB, i + 12);
  }
  return small;
}
