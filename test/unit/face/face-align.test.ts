// Five-point alignment: the transform, the warp, and the eyes of a real face landing on the
// descriptor template's points.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, test } from 'node:test';
import { alignFace, applySimilarity, DESCRIPTOR_MODELS, dlibTemplate, locateLargestFace, similarityTransform, templateFor, warpToTemplate, type FivePoints, type RgbImage } from '../../../vision/face/index.js';
import { useFaceKit } from './face-kit.js';

const fx = useFaceKit();

describe('similarity transform', () => {
  test('recovers a known rotation, scale and shift exactly', () => {
    const truth = { a: 1.3 * Math.cos(0.4), b: 1.3 * Math.sin(0.4), tx: 12, ty: -7 };
    const from: Array<[number, number]> = [[10, 20], [50, 22], [30, 40], [15, 60], [48, 61]];
    const to = from.map((p) => applySimilarity(truth, p));
    const t = similarityTransform(from, to);
    for (const k of ['a', 'b', 'tx', 'ty'] as const) assert.ok(Math.abs(t[k] - truth[k]) < 1e-9, `${k}: ${t[k]} vs ${truth[k]}`);
  });

  test('coinciding points are refused', () => {
    assert.throws(() => similarityTransform([[1, 1], [1, 1]], [[0, 0], [1, 1]]), /coincide/);
  });
});

describe('alignFace', () => {
  test('moves marked points of a turned, scaled picture onto the template', () => {
    // Five bright dots where a tilted, enlarged face would have its landmarks.
    const template = templateFor(112, 0);
    const placed = { a: 2.2 * Math.cos(-0.3), b: 2.2 * Math.sin(-0.3), tx: 40, ty: 90 };
    const points = template.map((p) => applySimilarity(placed, p)) as FivePoints;
    const image = blank(400, 400);
    for (const [x, y] of points) dot(image, x, y);
    const aligned = alignFace(image, points, 112, 0);
    for (const [i, [x, y]] of template.entries()) {
      const found = brightestNear(aligned, x, y, 6);
      assert.ok(Math.hypot(found[0] - x, found[1] - y) <= 1.01, `point ${i}: expected (${x.toFixed(1)}, ${y.toFixed(1)}), found (${found[0]}, ${found[1]})`);
    }
  });

  test('on a real face, the eyes land on the canonical points', async () => {
    const located = await locateLargestFace(fx.analyzer, await readFile(await fx.kit.picture('a')));
    assert.ok(located, 'a face is found');
    // Aligned at 224 px, then measured again by the face mesh: the eye centres must sit on the template.
    const aligned = alignFace(located.crop, located.face.landmarks, 224, 0.3);
    const [again] = await fx.analyzer.analyze(aligned, { iris: false, emotion: false });
    assert.ok(again, 'the aligned crop still shows a face');
    const template = templateFor(224, 0.3);
    for (const i of [0, 1]) {
      const [x, y] = again.landmarks[i]!;
      const [tx, ty] = template[i]!;
      assert.ok(Math.hypot(x - tx, y - ty) < 224 * 0.03, `eye ${i}: at (${x.toFixed(1)}, ${y.toFixed(1)}), template (${tx.toFixed(1)}, ${ty.toFixed(1)})`);
    }
    const eyeLine = Math.atan2(again.landmarks[1][1] - again.landmarks[0][1], again.landmarks[1][0] - again.landmarks[0][0]);
    assert.ok(Math.abs(eyeLine) < 0.05, `the eyes are level (${eyeLine.toFixed(3)} rad)`);
  });
});

describe("dlib's face chip", () => {
  test('its template is a face of eyes above nose above mouth, centred and inside the padded chip', () => {
    const { size, crop } = DESCRIPTOR_MODELS['faceapi-resnet34'];
    assert.equal(crop.kind, 'dlib-chip');
    const t = dlibTemplate(size, crop.padding);
    const xs = t.map(([x]) => x);
    const ys = t.map(([, y]) => y);
    // padding 0.25 of the mean face on each side: the points stay in the middle two thirds.
    assert.ok(Math.min(...xs, ...ys) > size / 6 - 1 && Math.max(...xs, ...ys) < (size * 5) / 6 + 1, `${Math.min(...xs, ...ys)}..${Math.max(...xs, ...ys)}`);
    assert.ok(Math.abs((Math.min(...xs) + Math.max(...xs)) / 2 - size / 2) < 1, 'centred left to right');
  });

  test('a chip of the face found puts its own landmarks on the template', async () => {
    const located = await locateLargestFace(fx.analyzer, await readFile(await fx.kit.picture('a')));
    assert.ok(located);
    const template = dlibTemplate(150, 0.25);
    const chip = warpToTemplate(located.crop, located.face.chipPoints, template, 150);
    const [again] = await fx.analyzer.analyze(chip, { iris: false, emotion: false });
    assert.ok(again, 'the chip still shows a face');
    const error = again.chipPoints.map(([x, y], i) => Math.hypot(x - template[i]![0], y - template[i]![1]));
    const mean = error.reduce((a, b) => a + b, 0) / error.length;
    assert.ok(mean < 150 * 0.03, `mean landmark offset ${mean.toFixed(1)} px on a 150 px chip`);
  });
});

describe('locateLargestFace', () => {
  test("carries the landmarks over onto the face's standard crop: found again there, they agree", async () => {
    const located = await locateLargestFace(fx.analyzer, await readFile(await fx.kit.picture('a')));
    assert.ok(located);
    const [again] = await fx.analyzer.analyze(located.crop, { iris: false, emotion: false });
    assert.ok(again);
    const side = located.crop.width;
    for (const [i, [x, y]] of located.face.landmarks.entries()) {
      const [ax, ay] = again.landmarks[i]!;
      assert.ok(Math.hypot(x - ax, y - ay) < side * 0.02, `point ${i}: carried (${x.toFixed(1)}, ${y.toFixed(1)}), found (${ax.toFixed(1)}, ${ay.toFixed(1)})`);
    }
  });
});

function blank(width: number, height: number): RgbImage {
  return { width, height, data: new Uint8Array(width * height * 3) };
}

function dot(image: RgbImage, x: number, y: number): void {
  for (let dy = -2; dy <= 2; dy++) {
    for (let dx = -2; dx <= 2; dx++) {
      const px = Math.round(x) + dx;
      const py = Math.round(y) + dy;
      const w = Math.max(0, 255 - 60 * Math.hypot(px - x, py - y));
      image.data.fill(w, (py * image.width + px) * 3, (py * image.width + px) * 3 + 3);
    }
  }
}

function brightestNear(image: RgbImage, x: number, y: number, r: number): [number, number] {
  let best: [number, number] = [x, y];
  let value = -1;
  for (let py = Math.round(y - r); py <= y + r; py++) {
    for (let px = Math.round(x - r); px <= x + r; px++) {
      const v = image.data[(py * image.width + px) * 3] ?? -1;
      if (v > value) [value, best] = [v, [px, py]];
    }
  }
  return best;
}
