import assert from 'node:assert/strict';
import { useFaceKit } from './face-kit.js';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { createFaceAnalyzer, decodeImage } from '../../../activities/face/index.js';
import { loadTf } from '../../../activities/face/human-loader.js';

const fx = useFaceKit();

test('one face with pose, eyes, mouth, expression and (on request) a unit descriptor', async () => {
  const image = await decodeImage(await readFile(await fx.kit.picture('a')));
  const [face, ...rest] = await fx.analyzer.analyze(image, { embed: true });
  assert.equal(rest.length, 0);
  assert.ok(face);
  assert.ok(face.score > 0.5);
  assert.ok(face.box.width > 20 && face.box.x >= 0 && face.box.x + face.box.width <= image.width + 1);
  for (const v of [face.yaw, face.pitch, face.roll]) assert.ok(Math.abs(v) < 1.2);
  assert.ok(face.eyeOpenness.left > 0.1 && face.eyeOpenness.right > 0.1, 'eyes open on a portrait');
  assert.ok(face.mouthWidth > 0.3);
  assert.ok(face.smile >= 0 && face.smile <= 1);
  assert.equal(face.embedding?.length, 1024);
  const norm = Math.hypot(...face.embedding!);
  assert.ok(Math.abs(norm - 1) < 1e-3);
  const [plain] = await fx.analyzer.analyze(image);
  assert.equal(plain?.embedding, undefined);
});

test('repeated analysis leaks no tensors, and a closed handle refuses work', async () => {
  const tf = loadTf();
  const image = await decodeImage(await readFile(await fx.kit.picture('b')));
  await fx.analyzer.analyze(image, { embed: true });
  const before = tf.memory().numTensors;
  for (let i = 0; i < 5; i++) await fx.analyzer.analyze(image, { embed: i % 2 === 0 });
  assert.equal(tf.memory().numTensors, before);
  const other = await createFaceAnalyzer();
  assert.equal(other.loadMs, 0, 'models load once per process');
  await other.close();
  await assert.rejects(other.analyze(image), /closed/);
});

test('concurrent calls are serialised and all answered', async () => {
  const image = await decodeImage(await readFile(await fx.kit.picture('a')));
  const results = await Promise.all([1, 2, 3].map(() => fx.analyzer.analyze(image, { iris: false, emotion: false })));
  for (const r of results) assert.equal(r.length, 1);
});
