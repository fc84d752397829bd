// Liveness on videos. Generated clips always run (faces from the fixtures, or from the sample
// image inside @vladmandic/human); real clips need ../shared/fixtures and skip without it.
import assert from 'node:assert/strict';
import { useFaceKit } from './face-kit.js';
import { describe, test } from 'node:test';
import { DEFAULT_FACE_MODEL, FACE_MODEL_SETTINGS } from '../../../domain/face-match.js';
import { join } from 'node:path';
import { judgePresentation, loadDescriber, samePerson, scoreVideo } from '../../../vision/face/index.js';
import { renderAttack } from '../../support/attack-videos.js';
import { fixtureVideo, FIXTURES_MISSING } from './face-fixtures.js';

const fx = useFaceKit();

describe('generated videos', () => {
  test('a still picture fails BLINK and TURN_LEFT but keeps one face throughout', async () => {
    const video = await fx.kit.still(3);
    const blink = await scoreVideo(fx.analyzer, 'BLINK', video);
    assert.equal(blink.passed, false);
    assert.deepEqual(blink.faces, { min: 1, max: 1 });
    assert.match(blink.reason!, /no blink/);
    assert.ok(blink.bestFrame?.embedding, 'best frame described');
    const turn = await scoreVideo(fx.analyzer, 'TURN_LEFT', video);
    assert.equal(turn.passed, false);
  });

  test('sliding a picture across the frame is not a head turn', async () => {
    const video = await fx.kit.pan(3);
    for (const action of ['TURN_LEFT', 'TURN_RIGHT'] as const) {
      const r = await scoreVideo(fx.analyzer, action, video);
      assert.equal(r.passed, false, `${action} passed on a pan`);
      assert.equal(r.faces.min, 1);
    }
  });

  test('a gradient with no face fails and says so', async () => {
    const r = await scoreVideo(fx.analyzer, 'SMILE', await fx.kit.noFace());
    assert.equal(r.passed, false);
    assert.deepEqual(r.faces, { min: 0, max: 0 });
    assert.equal(r.bestFrameIndex, -1);
    assert.match(r.reason!, /no face on \d+ of \d+ frames/);
    assert.equal(samePerson([r]).passed, false);
    // No face anywhere: the middle of the picture is searched for a screen's pattern; a plain scene has none.
    assert.equal(r.presentation.faceless, true);
    assert.equal(judgePresentation([r.presentation]).suspected, false, `moiré ${r.presentation.moire}`);
  });

  test('a screen filmed where no face can be found is a suspected attack, not only a capture problem', async () => {
    // The same faceless scene, shown on a phone and filmed: the detector still finds no face, the screen's moiré gives it away.
    const out = join(fx.kit.dir, 'faceless-screen.mp4');
    await renderAttack(await fx.kit.noFace(), out, 'screen-phone', { seconds: 2 });
    const r = await scoreVideo(fx.analyzer, 'BLINK', out);
    assert.equal(r.faces.max, 0);
    const verdict = judgePresentation([r.presentation]);
    assert.equal(verdict.suspected, true, `moiré ${r.presentation.moire}`);
    assert.match(verdict.reasons[0]!, /no face was found/);
  });

  test('two people side by side fail and say so', async () => {
    const r = await scoreVideo(fx.analyzer, 'OPEN_MOUTH', await fx.kit.twoPeople());
    assert.equal(r.passed, false);
    assert.equal(r.faces.max, 2);
    assert.match(r.reason!, /more than one face/);
  });

  test('same person across videos: two pictures of A match, A and B do not', async () => {
    const [cut, zoom, other] = await Promise.all([fx.kit.samePersonCut(), fx.kit.zoom(3), fx.kit.still(2, 'b')]);
    const a1 = await scoreVideo(fx.analyzer, 'NOD', cut);
    const a2 = await scoreVideo(fx.analyzer, 'NOD', zoom);
    const b = await scoreVideo(fx.analyzer, 'NOD', other);
    assert.deepEqual(a1.faces, { min: 1, max: 1 }, 'a cut between two pictures of one person keeps one face');
    const same = samePerson([a1, a2]);
    assert.equal(same.passed, true, `distance ${same.maxDistance}`);
    const mixed = samePerson([a1, a2, b]);
    assert.equal(mixed.passed, false);
    assert.match(mixed.reason!, /different people/);
  });

  test(`same person across videos with ${DEFAULT_FACE_MODEL} and its no-match bound (as the liveness activity judges)`, async (t) => {
    const describer = await loadDescriber(DEFAULT_FACE_MODEL);
    const opts = { descriptor: { describer, align: true } };
    const bound = FACE_MODEL_SETTINGS[DEFAULT_FACE_MODEL].noMatch;
    const [cut, zoom, other] = await Promise.all([fx.kit.samePersonCut(), fx.kit.zoom(3), fx.kit.still(2, 'b')]);
    const [a1, a2, b] = [await scoreVideo(fx.analyzer, 'NOD', cut, opts), await scoreVideo(fx.analyzer, 'NOD', zoom, opts), await scoreVideo(fx.analyzer, 'NOD', other, opts)];
    const same = samePerson([a1, a2], bound, describer.distance);
    assert.equal(same.passed, true, `distance ${same.maxDistance}`);
    const mixed = samePerson([a1, a2, b], bound, describer.distance);
    assert.ok(mixed.maxDistance > same.maxDistance, `another person is further away: ${mixed.maxDistance} vs ${same.maxDistance}`);
    if ((await fx.kit.faces()).origin === 'package') {
      // Without ../shared the faces are ~40 px thumbnails from the package's sample strip: too small
      // for the descriptor to put two people past the no-match bound.
      t.diagnostic(`different people at ${mixed.maxDistance} (bound ${bound}): the bound is checked on the fixture faces only`);
      return;
    }
    assert.equal(mixed.passed, false, `distance ${mixed.maxDistance}`);
  });
});

const skipReal = FIXTURES_MISSING ? `skipped: ${FIXTURES_MISSING}` : false;

describe('real clips (../shared/fixtures)', { skip: skipReal }, () => {
  test('liveportrait d0: one full blink at ~2.6 s passes BLINK', async () => {
    const r = await scoreVideo(fx.analyzer, 'BLINK', fixtureVideo('liveportrait__d0.mp4'));
    assert.equal(r.passed, true, r.reason);
    assert.ok(r.confidence >= 0.6);
    assert.deepEqual(r.faces, { min: 1, max: 1 });
  });

  test('liveportrait d3 10.1–11.8 s: the surprised open mouth passes OPEN_MOUTH', async () => {
    const r = await scoreVideo(fx.analyzer, 'OPEN_MOUTH', await fx.kit.trim(fixtureVideo('liveportrait__d3.mp4'), 9.5, 11.8));
    assert.equal(r.passed, true, r.reason);
  });

  test('liveportrait d3 6.5–9.5 s: a turn to the user’s left passes TURN_LEFT only', async () => {
    const video = await fx.kit.trim(fixtureVideo('liveportrait__d3.mp4'), 6.5, 9.5);
    const left = await scoreVideo(fx.analyzer, 'TURN_LEFT', video);
    assert.equal(left.passed, true, left.reason);
    const right = await scoreVideo(fx.analyzer, 'TURN_RIGHT', video);
    assert.equal(right.passed, false);
  });

  test('a stage clip with shot changes and an audience is not a one-face selfie', async () => {
    const r = await scoreVideo(fx.analyzer, 'NOD', fixtureVideo('fr__short_hamilton_clip.mp4'));
    assert.equal(r.passed, false);
    assert.match(r.reason!, /no face|more than one face/);
  });

  test('liveportrait d0 (smiles, no turn): SMILE passes, TURN_RIGHT fails; d0 and d3 are different people', async () => {
    const smile = await scoreVideo(fx.analyzer, 'SMILE', fixtureVideo('liveportrait__d0.mp4'));
    assert.equal(smile.passed, true, smile.reason);
    const turn = await scoreVideo(fx.analyzer, 'TURN_RIGHT', fixtureVideo('liveportrait__d0.mp4'));
    assert.equal(turn.passed, false);
    assert.equal(samePerson([smile, turn]).passed, true);
    const other = await scoreVideo(fx.analyzer, 'OPEN_MOUTH', await fx.kit.trim(fixtureVideo('liveportrait__d3.mp4'), 9.5, 11.8));
    assert.equal(samePerson([smile, other]).passed, false);
  });
});
