// The optional-model passes of liveness scoring, on made-up measurements and a fake analyzer.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { refineEyelids } from '../../../vision/face/blink-refine.js';
import { refineSmile } from '../../../vision/face/smile-refine.js';
import { scoreAction, type AnalyzeOptions, type FaceAnalyzer, type FaceObservation, type FrameFaces, type RgbImage } from '../../../vision/face/index.js';
import type { VideoFrame } from '../../../vision/face/ffmpeg-frames.js';

const neutral: FaceObservation = {
  box: { x: 100, y: 100, width: 200, height: 200 },
  score: 0.99,
  yaw: 0,
  pitch: 0,
  roll: 0,
  smile: 0,
  eyeOpenness: { left: 0.26, right: 0.26 },
  mouthOpenness: 0.03,
  mouthWidth: 0.6,
  landmarks: [[160, 180], [240, 180], [200, 220], [165, 260], [235, 260]],
  chipPoints: [],
};

const frames: VideoFrame[] = Array.from({ length: 30 }, (_, i) => ({ index: i, timeS: i / 10, width: 1, height: 1, data: new Uint8Array(3) }));

/** Answers each frame with `sharp(i)` and records which frames it was asked about. */
function fakeAnalyzer(sharp: (i: number, opts: AnalyzeOptions) => FaceObservation): FaceAnalyzer & { asked: number[] } {
  const asked: number[] = [];
  return {
    asked,
    loadMs: 0,
    async analyze(image: RgbImage, opts: AnalyzeOptions = {}) {
      const i = (image as VideoFrame).index;
      asked.push(i);
      return [sharp(i, opts)];
    },
    async close() {},
  };
}

const plain = (change: (i: number) => Partial<FaceObservation>): FrameFaces[] =>
  frames.map((f, i) => ({ timeS: f.timeS, faces: [{ ...neutral, ...change(i) }] }));
const eyes = (v: number) => ({ eyeOpenness: { left: v, right: v } });

describe('refineEyelids', () => {
  // The plain mesh under-reads the blink at frame 15 (~46% closed); the iris model reads 85%.
  const mesh = plain((i) => (i === 15 ? eyes(0.14) : {}));
  const iris = (i: number) => ({ ...neutral, ...(i === 15 ? eyes(0.045) : i === 14 || i === 16 ? eyes(0.3) : eyes(0.31)) });

  test('only the candidate, its neighbours and a few open frames get the iris model', async () => {
    const analyzer = fakeAnalyzer(iris);
    const out = await refineEyelids(analyzer, frames, mesh, { iris: true }, 0.4);
    assert.ok(analyzer.asked.includes(14) && analyzer.asked.includes(15) && analyzer.asked.includes(16));
    assert.equal(analyzer.asked.length, 6);
    // Unrefined frames are put on the iris scale: 0.26 × (0.31 / 0.26).
    assert.ok(Math.abs((out[3]?.faces[0]?.eyeOpenness.left ?? 0) - 0.31) < 1e-9);
    const r = scoreAction('BLINK', out);
    assert.equal(r.passed, true, r.reason);
    assert.ok(r.confidence > 0.9);
  });

  test('no candidate: no extra work', async () => {
    const analyzer = fakeAnalyzer(iris);
    const still = plain(() => ({}));
    assert.equal(await refineEyelids(analyzer, frames, still, { iris: true }, 0.4), still);
    assert.equal(analyzer.asked.length, 0);
  });
});

describe('refineSmile', () => {
  test('the expression model runs on the widest-mouth frame first and stops once it is enough', async () => {
    const mesh = plain((i) => (i >= 20 ? { mouthWidth: 0.6 + 0.01 * (i - 19) * 3 } : {}));
    const analyzer = fakeAnalyzer((i, opts) => ({ ...(mesh[i]?.faces[0] as FaceObservation), smile: opts.emotion ? 0.95 : 0 }));
    const out = await refineSmile(analyzer, frames, mesh, { emotion: true });
    assert.deepEqual(analyzer.asked, [29]);
    const r = scoreAction('SMILE', out);
    assert.equal(r.passed, true, r.reason);
  });

  test('a wide mouth without a happy expression fails after at most four frames', async () => {
    const mesh = plain((i) => (i >= 10 ? { mouthWidth: 0.9 } : {}));
    const analyzer = fakeAnalyzer((i) => ({ ...(mesh[i]?.faces[0] as FaceObservation), smile: 0.1 }));
    const out = await refineSmile(analyzer, frames, mesh, { emotion: true });
    assert.ok(analyzer.asked.length <= 4 && analyzer.asked.length >= 1);
    assert.equal(scoreAction('SMILE', out).passed, false);
  });
});
