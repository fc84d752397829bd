// Face match with the shipped descriptor and bands: the same person under capture and lighting
// changes (and, with the fixtures, across expressions) is a match or review — never no_match;
// another person is never a match.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, test } from 'node:test';
import { bandOf, DEFAULT_FACE_MODEL, FACE_MODEL_SETTINGS } from '../../../domain/face-match.js';
import { loadDescriber, locateLargestFace, matchFaces, type MatchOptions } from '../../../vision/face/index.js';
import { faceVariant, type FaceVariant } from '../../support/face-variants.js';
import { useFaceKit } from './face-kit.js';
import { FIXTURES_MISSING, labelledFaces } from './face-fixtures.js';

const fx = useFaceKit();
const settings = FACE_MODEL_SETTINGS[DEFAULT_FACE_MODEL];
const options = async (): Promise<MatchOptions> => ({ descriptor: { describer: await loadDescriber(DEFAULT_FACE_MODEL), align: true }, bands: settings, copyDistance: settings.copy });

describe('bands', () => {
  test('match at or below the match bound, no_match above the no-match bound, review between', () => {
    const bands = { match: 0.3, noMatch: 0.5 };
    assert.deepEqual([0.1, 0.3, 0.31, 0.5, 0.51].map((d) => bandOf(d, bands)), ['match', 'match', 'review', 'review', 'no_match']);
  });
});

describe(`face match with ${DEFAULT_FACE_MODEL}, aligned`, () => {
  test('the same person under lighting and capture changes matches; another person does not', async () => {
    const opts = await options();
    const [a, a2, b] = await Promise.all([fx.kit.picture('a'), fx.kit.picture('a2'), fx.kit.picture('b')]);
    const selfie = await readFile(a);
    const other = await readFile(a2);
    const located = await locateLargestFace(fx.analyzer, other);
    assert.ok(located);
    const share = Math.max(located.box.width, located.box.height) / 480;
    const variants: FaceVariant[] = ['jpeg', 'greyscale', 'tilt-left', 'tilt-right', 'document-print'];
    const bands: string[] = [];
    for (const v of variants) {
      const r = await matchFaces(fx.analyzer, await faceVariant(other, share, v), selfie, opts);
      bands.push(`${v} ${r.band} ${r.distance}`);
      // The same person is never flagged as a mismatch; at worst a reviewer looks (README "Face match": robustness TPR at the match bound).
      assert.notEqual(r.band, 'no_match', bands.join('; '));
      assert.equal(r.copyOfPortrait, false, `${v}: another photo of the person is no copy`);
    }
    assert.ok(bands.filter((b) => b.includes(' match ')).length >= 3, bands.join('; '));
    const stranger = await matchFaces(fx.analyzer, await readFile(b), selfie, opts);
    assert.notEqual(stranger.band, 'match', `stranger at distance ${stranger.distance}`);
    assert.equal(stranger.passed, false);
    assert.match(stranger.model, new RegExp(`^${DEFAULT_FACE_MODEL}@`));
  });

  test('a picture of the very portrait is flagged as a copy', async () => {
    const picture = await readFile(await fx.kit.picture('a'));
    const r = await matchFaces(fx.analyzer, picture, picture, await options());
    assert.equal(r.copyOfPortrait, true, `distance ${r.distance}`);
  });

  test('one person across eight expressions: never no_match, at least half match', { skip: FIXTURES_MISSING ? `skipped: ${FIXTURES_MISSING}` : false }, async () => {
    const opts = await options();
    const series = labelledFaces().filter((f) => f.identity === 'human_stock_emotions_a');
    assert.ok(series.length >= 6, `${series.length} expression photos`);
    let pairs = 0;
    let matched = 0;
    for (let i = 0; i < series.length; i++) {
      for (let j = i + 1; j < series.length; j++) {
        const r = await matchFaces(fx.analyzer, await readFile(series[i]!.path), await readFile(series[j]!.path), opts);
        pairs++;
        if (r.band === 'match') matched++;
        assert.notEqual(r.band, 'no_match', `${series[i]!.path} vs ${series[j]!.path}: distance ${r.distance}`);
      }
    }
    // The calibration set's pairs of two real photos of one person (npm run calibrate:face),
    // mostly strong expressions, fall under the match bound only half the time; this held-out
    // series matched 24 of 28 at the calibrated bound (README "Face match"). The floor is half,
    // against regressions.
    assert.ok(matched / pairs >= 0.5, `${matched} of ${pairs} expression pairs matched`);
  });
});
