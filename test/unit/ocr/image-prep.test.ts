// The grey working copies of a page: luminance, and the black-ink view the MRZ finder falls back on.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import sharp from 'sharp';
import { loadOriented } from '../../../vision/ocr/image-prep.js';

/** A 3-pixel-wide strip: black ink, blue security print, mid grey. */
async function strip(): Promise<Buffer> {
  const rgb = Buffer.from([0, 0, 0, 40, 60, 200, 128, 128, 128]);
  return sharp(rgb, { raw: { width: 3, height: 1, channels: 3 } }).png().toBuffer();
}

test('the black-ink view keeps black ink dark and turns coloured print light', async () => {
  const png = await strip();
  const lum = await loadOriented(png);
  const ink = await loadOriented(png, { blackInk: true });
  assert.equal(ink.width, 3);
  assert.ok(ink.data[0]! < 10, `black stays black (${ink.data[0]})`);
  assert.ok(ink.data[1]! >= lum.data[1]! + 20, `blue print lighter than in luminance (${ink.data[1]} vs ${lum.data[1]})`);
  assert.ok(Math.abs(ink.data[2]! - lum.data[2]!) <= 2, `grey unchanged (${ink.data[2]} vs ${lum.data[2]})`);
});

test('the black-ink view of a greyscale or transparent image is the image itself', async () => {
  const grey = await sharp(Buffer.from([0, 90, 200]), { raw: { width: 3, height: 1, channels: 1 } }).png().toBuffer();
  assert.deepEqual([...(await loadOriented(grey, { blackInk: true })).data], [...(await loadOriented(grey)).data]);
  const rgba = await sharp(Buffer.from([10, 10, 10, 255, 250, 250, 250, 0]), { raw: { width: 2, height: 1, channels: 4 } }).png().toBuffer();
  const ink = await loadOriented(rgba, { blackInk: true });
  assert.equal(ink.data.length, 2);
  assert.ok(ink.data[0]! < 20);
});
