// The face calibration set's labelling (training/face/, `npm run calibrate:face`): how the faces
// of a photo become people. Uses a photo that ships in an installed package, so no download.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import sharp from 'sharp';
import { group, person, series, type CalibrationSource } from '../../../training/face/calibration-sources.js';
import { CALIBRATION_FACE_PX, packageFaces, type PackageFace } from '../../../training/face/package-faces.js';
import { useFaceKit } from './face-kit.js';

const fx = useFaceKit();
/** A group photo of five people, in @vladmandic/face-api's demo folder. */
const photo = (label: CalibrationSource['photos'][number]['label']): CalibrationSource =>
  ({ registry: 'installed', spec: '@vladmandic/face-api', dir: 'demo', photos: [{ file: 'sample1.jpg', label }] });
/** Every face of the photo, unlabelled: what the other labellings are compared with (found once). */
let unlabelled: Promise<PackageFace[]> | undefined;
const everyFace = () => (unlabelled ??= packageFaces(fx.analyzer, [photo(group())]));

describe('calibration faces from package photos', () => {
  test('a group photo: one person per face, left to right, with faces named the same or skipped', async () => {
    const all = await everyFace();
    assert.ok(all.length >= 3, `${all.length} faces`);
    assert.deepEqual(all.map((f) => f.identity), all.map((_, i) => `sample1.jpg#${i + 1}`));
    assert.equal(new Set(all.map((f) => f.source)).size, all.length);

    const labelled = await packageFaces(fx.analyzer, [photo(group({ 2: 'someone-seen-before' }, [1]))]);
    assert.deepEqual(labelled.map((f) => f.identity), ['someone-seen-before', ...all.slice(2).map((f) => f.identity)]);
    assert.deepEqual(labelled.map((f) => f.source), all.slice(1).map((f) => f.source), 'a skipped face keeps the others\' numbers');
  });

  test('a portrait is its largest face; a series makes every face one person', async () => {
    const all = await everyFace();
    const [one, ...none] = await packageFaces(fx.analyzer, [photo(person('p'))]);
    assert.equal(none.length, 0);
    assert.equal(one!.identity, 'p');
    assert.equal(one!.sourceFacePx, Math.max(...all.map((f) => f.sourceFacePx)));

    const same = await packageFaces(fx.analyzer, [photo(series('s'))]);
    assert.equal(same.length, all.length);
    assert.ok(same.every((f) => f.identity === 's' && f.pkg === '@vladmandic/face-api'));
  });

  test('each face is cut out with its surroundings, the face scaled to the calibration size', async () => {
    const [face] = await packageFaces(fx.analyzer, [photo(person('p'))]);
    const { width = 0, height = 0, format } = await sharp(face!.photo).metadata();
    assert.equal(format, 'jpeg');
    // A face-width each side: about three faces wide where the photo allows.
    assert.ok(width > 2 * CALIBRATION_FACE_PX && width <= 3.2 * CALIBRATION_FACE_PX, `${width}×${height}`);
  });
});
