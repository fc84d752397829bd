// The shipped descriptor as a unit: its metric, and flip averaging (FACE_DESCRIPTOR_FLIP), which
// must make a face and its mirror image one descriptor while staying a distinct model version.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, test } from 'node:test';
import { DEFAULT_FACE_MODEL } from '../../../domain/face-match.js';
import { euclideanDistance, loadDescriber, locateLargestFace, type RgbImage } from '../../../vision/face/index.js';
import { useFaceKit } from './face-kit.js';

const fx = useFaceKit();

async function chipOfPicture(): Promise<RgbImage> {
  const located = await locateLargestFace(fx.analyzer, await readFile(await fx.kit.picture('a')));
  assert.ok(located, 'a face is found');
  return (await loadDescriber(DEFAULT_FACE_MODEL)).chip(located.crop, located.face);
}

describe(`${DEFAULT_FACE_MODEL} descriptor`, () => {
  test("compares by dlib's Euclidean distance on the raw 128 floats", async () => {
    const describer = await loadDescriber(DEFAULT_FACE_MODEL);
    assert.equal(describer.metric, 'euclidean');
    const chip = await chipOfPicture();
    const a = await describer.describe(chip);
    const b = await describer.describe(mirror(chip));
    assert.equal(a.length, 128);
    assert.equal(describer.distance(a, a), 0);
    assert.equal(describer.distance(a, b), euclideanDistance(a, b));
  });

  test('with flip, a face and its mirror image give one descriptor; without, they differ', async () => {
    const plain = await loadDescriber(DEFAULT_FACE_MODEL);
    const flipped = await loadDescriber(DEFAULT_FACE_MODEL, { flip: true });
    assert.notEqual(plain.modelVersion, flipped.modelVersion, 'descriptors with and without flip are never compared');
    const chip = await chipOfPicture();
    const plainGap = plain.distance(await plain.describe(chip), await plain.describe(mirror(chip)));
    const flipGap = flipped.distance(await flipped.describe(chip), await flipped.describe(mirror(chip)));
    assert.ok(plainGap > 0.01, `plain: mirror at ${plainGap}`);
    assert.ok(flipGap < 1e-4, `flip: mirror at ${flipGap}`);
  });
});

function mirror({ width, height, data }: RgbImage): RgbImage {
  const out = new Uint8Array(data.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) out.set(data.subarray((y * width + x) * 3, (y * width + x + 1) * 3), (y * width + width - 1 - x) * 3);
  }
  return { width, height, data: out };
}
