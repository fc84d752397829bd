import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sniffContentType, VIDEO_TYPES } from '../../domain/file-types.js';

const ftyp = (brand: string) => Buffer.concat([Buffer.from([0, 0, 0, 0x20]), Buffer.from(`ftyp${brand}\0\0\0\0`, 'latin1')]);

describe('content sniffing', () => {
  it('takes ISO media files as video only for video brands', () => {
    for (const brand of ['isom', 'mp42', 'avc1', '3gp4', 'M4V ']) assert.equal(sniffContentType(ftyp(brand)), 'video/mp4', brand);
    assert.equal(sniffContentType(ftyp('qt  ')), 'video/quicktime');
    for (const still of ['avif', 'avis', 'heic', 'heix', 'mif1', 'msf1', 'jp2 ', 'crx ']) assert.ok(!VIDEO_TYPES.includes(sniffContentType(ftyp(still))!), still);
    assert.equal(sniffContentType(ftyp('avif')), 'image/avif');
    assert.equal(sniffContentType(ftyp('mif1')), 'image/heic');
    assert.equal(sniffContentType(ftyp('jp2 ')), undefined);
  });

  it('knows the image formats and WebM by their magic bytes', () => {
    assert.equal(sniffContentType(Buffer.from([0xff, 0xd8, 0xff, 0xe0, ...Array(12).fill(0)])), 'image/jpeg');
    assert.equal(sniffContentType(Buffer.from('\x89PNG\r\n\x1a\n\0\0\0\0\0\0\0\0', 'latin1')), 'image/png');
    assert.equal(sniffContentType(Buffer.from('RIFF\0\0\0\0WEBPVP8 ', 'latin1')), 'image/webp');
    assert.equal(sniffContentType(Buffer.from([0x1a, 0x45, 0xdf, 0xa3, ...Array(12).fill(0)])), 'video/webm');
    assert.equal(sniffContentType(Buffer.from('MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff\0\0', 'latin1')), undefined);
  });
});
