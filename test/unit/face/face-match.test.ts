// Face match. Rates over the labelled fixture set (skipped without ../shared/fixtures); the
// refusals and the generated-picture cases always run.
import assert from 'node:assert/strict';
import { useFaceKit } from './face-kit.js';
import { readFile } from 'node:fs/promises';
import { describe, test } from 'node:test';
import {
  cosineDistance,
  DEFAULT_MATCH_THRESHOLD,
  embedLargestFace,
  matchFaces,
  NoFaceFound,
} from '../../../vision/face/index.js';
import { fixtureFace, FIXTURES_MISSING, labelledFaces, portraitDocuments } from './face-fixtures.js';

const fx = useFaceKit();

describe('matchFaces on generated pictures', () => {
  test('a picture matches itself; result fields are consistent', async () => {
    const picture = await readFile(await fx.kit.picture('a'));
    const r = await matchFaces(fx.analyzer, picture, picture);
    assert.equal(r.passed, true);
    assert.ok(r.distance < 0.05, `distance ${r.distance}`);
    assert.ok(r.similarity > 0.9);
    assert.equal(r.threshold, DEFAULT_MATCH_THRESHOLD);
  });

  test('person A and person B do not match; the threshold is a parameter', async () => {
    const [a, b] = await Promise.all([fx.kit.picture('a'), fx.kit.picture('b')]);
    const r = await matchFaces(fx.analyzer, await readFile(a), await readFile(b));
    assert.equal(r.passed, false, `distance ${r.distance}`);
    assert.ok(r.similarity < 0.5);
    const lenient = await matchFaces(fx.analyzer, await readFile(a), await readFile(b), { bands: { match: 1.99, noMatch: 1.99 } });
    assert.equal(lenient.passed, true);
  });

  test('no face on either side throws NoFaceFound naming the side', async () => {
    const blank = await readFile(await fx.kit.noFacePicture());
    const face = await readFile(await fx.kit.picture('a'));
    await assert.rejects(matchFaces(fx.analyzer, blank, face), (e: unknown) => e instanceof NoFaceFound && e.which === 'document');
    await assert.rejects(matchFaces(fx.analyzer, face, blank), (e: unknown) => e instanceof NoFaceFound && e.which === 'selfie');
  });

  test('bytes that are not an image are refused', async () => {
    await assert.rejects(matchFaces(fx.analyzer, new Uint8Array([1, 2, 3]), new Uint8Array([4])), (err: Error) => err.name === 'ImageRejected' && /not an image file this service reads/.test(err.message));
  });
});

describe('face match rates on the labelled fixtures', { skip: FIXTURES_MISSING ? `skipped: ${FIXTURES_MISSING}` : false }, () => {
  test(`same-person pairs mostly match and different-person pairs almost never do at ${DEFAULT_MATCH_THRESHOLD}`, async () => {
    const faces: Array<{ identity: string; embedding: Float32Array }> = [];
    for (const f of labelledFaces()) {
      const e = await embedLargestFace(fx.analyzer, await readFile(f.path));
      if (e) faces.push({ identity: f.identity, embedding: e.embedding });
    }
    assert.ok(faces.length >= 50, `faces found on ${faces.length} photos`);
    let same = 0;
    let sameHit = 0;
    let diff = 0;
    let diffHit = 0;
    for (let i = 0; i < faces.length; i++) {
      for (let j = i + 1; j < faces.length; j++) {
        const hit = cosineDistance(faces[i]!.embedding, faces[j]!.embedding) <= DEFAULT_MATCH_THRESHOLD;
        if (faces[i]!.identity === faces[j]!.identity) [same, sameHit] = [same + 1, sameHit + (hit ? 1 : 0)];
        else [diff, diffHit] = [diff + 1, diffHit + (hit ? 1 : 0)];
      }
    }
    const tpr = sameHit / same;
    const fpr = diffHit / diff;
    assert.ok(same > 50 && diff > 1000);
    assert.ok(tpr >= 0.85, `true-match rate ${tpr.toFixed(3)} over ${same} pairs`);
    assert.ok(fpr <= 0.02, `false-match rate ${fpr.toFixed(3)} over ${diff} pairs`);
  });

  test('document portraits match their person’s selfie photo and not another person’s', async () => {
    const docs = portraitDocuments();
    assert.ok(docs.length >= 2);
    const byIdentity = new Map(labelledFaces().map((f) => [f.identity, f.path]));
    let passed = 0;
    let pairs = 0;
    for (const doc of docs) {
      const selfie = byIdentity.get(doc.portraitIdentity);
      if (!selfie) continue;
      const docBytes = await readFile(doc.path);
      const same = await matchFaces(fx.analyzer, docBytes, await readFile(selfie));
      pairs++;
      if (same.passed) passed++;
      const other = await matchFaces(fx.analyzer, docBytes, await readFile(fixtureFace('deepface__img2.jpg')));
      assert.equal(other.passed, false, `${doc.path} matched a stranger (distance ${other.distance})`);
    }
    assert.ok(pairs >= 2 && passed === pairs, `${passed} of ${pairs} document↔selfie pairs matched`);
  });
});
