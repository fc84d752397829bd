import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { decodeImage, ImageRejected } from '../../../vision/face/index.js';
import { FORMATS, heifEncAvailable, inFormat } from '../../helpers/image-formats.js';
import { useFaceKit } from './face-kit.js';

const fx = useFaceKit();

test('a portrait in every upload format decodes to the same picture, and its face is found', async () => {
  const png = await readFile(await fx.kit.picture('a'));
  const reference = await decodeImage(png);
  for (const format of FORMATS.filter((f) => f !== 'heic' || heifEncAvailable)) {
    const image = await decodeImage(await inFormat(png, format));
    assert.deepEqual([image.width, image.height], [reference.width, reference.height], format);
    let diff = 0;
    for (let i = 0; i < image.data.length; i++) diff += Math.abs(image.data[i]! - reference.data[i]!);
    assert.ok(diff / image.data.length < 12, `${format}: mean difference ${(diff / image.data.length).toFixed(1)} per channel`);
    const faces = await fx.analyzer.analyze(image);
    assert.equal(faces.length, 1, format);
  }
});

test('an image that cannot be decoded is refused in our words, the decoder text kept on the cause', async () => {
  const png = await readFile(await fx.kit.picture('a'));
  for (const bytes of [png.subarray(0, png.length / 2), Buffer.from('not an image at all'), Buffer.concat([Buffer.from('BM'), Buffer.alloc(60)])]) {
    await assert.rejects(decodeImage(bytes), (err: Error) => {
      assert.ok(err instanceof ImageRejected, err.name);
      assert.doesNotMatch(err.message, /vips|sharp|Input buffer|libspng|heif/i);
      return true;
    });
  }
});
