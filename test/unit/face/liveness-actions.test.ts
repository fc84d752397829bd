// scoreAction on made-up measurement series: the rules, without models or videos.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { scoreAction, type FaceObservation, type FrameFaces } from '../../../vision/face/index.js';

const neutral: FaceObservation = {
  box: { x: 100, y: 100, width: 200, height: 200 },
  score: 0.99,
  yaw: 0.02,
  pitch: 0.05,
  roll: 0,
  smile: 0.02,
  eyeOpenness: { left: 0.32, right: 0.31 },
  mouthOpenness: 0.03,
  mouthWidth: 0.6,
  landmarks: [[160, 180], [240, 180], [200, 220], [165, 260], [235, 260]],
  chipPoints: [],
};

/** One face per frame at 10 fps; `change(i)` overrides fields of frame i. */
function clip(n: number, change: (i: number) => Partial<FaceObservation> = () => ({})): FrameFaces[] {
  return Array.from({ length: n }, (_, i) => ({ timeS: i / 10, faces: [{ ...neutral, ...change(i) }] }));
}

const eyes = (left: number, right: number) => ({ eyeOpenness: { left, right } });

describe('BLINK', () => {
  test('both eyes dip and reopen: passes', () => {
    const r = scoreAction('BLINK', clip(30, (i) => (i === 15 ? eyes(0.05, 0.08) : i === 16 ? eyes(0.18, 0.2) : {})));
    assert.equal(r.passed, true, r.reason);
    assert.ok(r.confidence > 0.9);
    assert.deepEqual(r.faces, { min: 1, max: 1 });
    assert.equal(r.frames, 30);
  });

  test('a still face fails with a reason', () => {
    const r = scoreAction('BLINK', clip(30));
    assert.equal(r.passed, false);
    assert.match(r.reason!, /no blink/);
    assert.ok(r.confidence < 0.5);
  });

  test('a one-eye wink is not a blink', () => {
    const r = scoreAction('BLINK', clip(30, (i) => (i === 15 ? eyes(0.05, 0.3) : {})));
    assert.equal(r.passed, false);
  });

  test('eyes that close and never reopen are not a blink', () => {
    const r = scoreAction('BLINK', clip(30, (i) => (i >= 25 ? eyes(0.04, 0.04) : {})));
    assert.equal(r.passed, false);
    assert.match(r.reason!, /not open both before and after/);
  });

  test('the best frame is not the one with closed eyes', () => {
    const r = scoreAction('BLINK', clip(10, (i) => (i === 0 ? { ...eyes(0.04, 0.04), yaw: 0 } : { yaw: 0.05 * i })));
    assert.equal(r.bestFrameIndex, 1);
  });
});

describe('TURN_LEFT / TURN_RIGHT', () => {
  // human reports yaw < 0 when the user turns to their own left in an unmirrored camera frame.
  const turningLeft = clip(20, (i) => ({ yaw: i < 5 ? 0.02 : -0.04 * (i - 4) }));

  test('negative yaw from the start is a turn to the user’s left', () => {
    assert.equal(scoreAction('TURN_LEFT', turningLeft).passed, true);
    const right = scoreAction('TURN_RIGHT', turningLeft);
    assert.equal(right.passed, false);
    assert.match(right.reason!, /other way/);
  });

  test('mirrored frames swap the sides', () => {
    assert.equal(scoreAction('TURN_RIGHT', turningLeft, { mirrored: true }).passed, true);
    assert.equal(scoreAction('TURN_LEFT', turningLeft, { mirrored: true }).passed, false);
  });

  test('a small turn fails; the threshold is a parameter', () => {
    const small = clip(20, (i) => ({ yaw: i < 5 ? 0 : -0.15 }));
    assert.equal(scoreAction('TURN_LEFT', small).passed, false);
    assert.equal(scoreAction('TURN_LEFT', small, { thresholds: { turnYaw: 0.1 } }).passed, true);
  });
});

describe('NOD', () => {
  test('pitch down and back passes; down without coming back fails', () => {
    const nod = clip(20, (i) => ({ pitch: i >= 6 && i <= 10 ? 0.3 : 0.05 }));
    assert.equal(scoreAction('NOD', nod).passed, true);
    const stuck = clip(20, (i) => ({ pitch: i >= 6 ? 0.3 : 0.05 }));
    const r = scoreAction('NOD', stuck);
    assert.equal(r.passed, false);
    assert.match(r.reason!, /came back up only/);
  });
});

describe('SMILE and OPEN_MOUTH', () => {
  test('a wider mouth with a happy expression is a smile; a smile held from the start is not', () => {
    assert.equal(scoreAction('SMILE', clip(20, (i) => (i > 8 ? { mouthWidth: 0.8, smile: 0.9 } : {}))).passed, true);
    assert.equal(scoreAction('SMILE', clip(20, () => ({ mouthWidth: 0.8, smile: 0.9 }))).passed, false);
    // Wider mouth but the expression model does not see happiness (e.g. a grimace).
    assert.equal(scoreAction('SMILE', clip(20, (i) => (i > 8 ? { mouthWidth: 0.8, smile: 0.1 } : {}))).passed, false);
  });

  test('the mouth opening must rise well over the start', () => {
    assert.equal(scoreAction('OPEN_MOUTH', clip(20, (i) => (i > 8 ? { mouthOpenness: 0.5 } : {}))).passed, true);
    assert.equal(scoreAction('OPEN_MOUTH', clip(20, (i) => (i > 8 ? { mouthOpenness: 0.15 } : {}))).passed, false);
  });
});

describe('one face throughout', () => {
  const blink = (i: number) => (i === 10 ? eyes(0.03, 0.03) : {});

  test('a frame without a face fails the action, however well it was done', () => {
    const frames = clip(20, blink);
    frames[4] = { timeS: 0.4, faces: [] };
    const r = scoreAction('BLINK', frames);
    assert.equal(r.passed, false);
    assert.equal(r.confidence, 0);
    assert.deepEqual(r.faces, { min: 0, max: 1 });
    assert.match(r.reason!, /no face on 1 of 20 frames \(first at 0\.4 s\)/);
  });

  test('a second face fails the action', () => {
    const frames = clip(20, blink);
    frames[7]!.faces.push({ ...neutral, box: { x: 400, y: 100, width: 150, height: 150 } });
    const r = scoreAction('BLINK', frames);
    assert.equal(r.passed, false);
    assert.deepEqual(r.faces, { min: 1, max: 2 });
    assert.match(r.reason!, /more than one face/);
  });

  test('no frames at all', () => {
    const r = scoreAction('SMILE', []);
    assert.equal(r.passed, false);
    assert.equal(r.bestFrameIndex, -1);
  });
});
