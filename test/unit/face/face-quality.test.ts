// The selfie quality gate: each reason on made-up measures, and on real pictures made worse.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, test } from 'node:test';
import sharp from 'sharp';
import {
  locateLargestFace,
  matchFaces,
  measureFaceQuality,
  NoFaceFound,
  prominentFaceCount,
  selfieQualityIssues,
  SELFIE_LIMITS,
  type FaceQualityMeasures,
} from '../../../vision/face/index.js';
import { useFaceKit } from './face-kit.js';

const fx = useFaceKit();
const good: FaceQualityMeasures = { faceSize: 300, sharpness: 200, brightness: 120, eyeOpenness: 0.28, yaw: 0.05, pitch: 0.02, prominentFaces: 1 };
const codes = (m: Partial<FaceQualityMeasures>) => selfieQualityIssues({ ...good, ...m }).map((i) => i.code);

describe('selfie quality rules', () => {
  test('a good frame has no issue', () => assert.deepEqual(codes({}), []));
  test('each reason, with a message telling the user what to do', () => {
    const cases: Array<[Partial<FaceQualityMeasures>, string, RegExp]> = [
      [{ faceSize: 60 }, 'FACE_TOO_SMALL', /closer/],
      [{ sharpness: 5 }, 'FACE_BLURRED', /hold the camera still/],
      [{ brightness: 20 }, 'FACE_TOO_DARK', /brighter/],
      [{ brightness: 250 }, 'FACE_OVEREXPOSED', /direct light/],
      [{ eyeOpenness: 0.05 }, 'EYES_CLOSED', /eyes open/],
      [{ yaw: 0.7 }, 'FACE_NOT_FRONTAL', /straight at the camera/],
      [{ pitch: -0.6 }, 'FACE_NOT_FRONTAL', /straight at the camera/],
      [{ prominentFaces: 2 }, 'MULTIPLE_FACES', /only you/],
    ];
    for (const [m, code, message] of cases) {
      const issues = selfieQualityIssues({ ...good, ...m });
      assert.deepEqual(issues.map((i) => i.code), [code], JSON.stringify(m));
      assert.match(issues[0]!.message, message);
    }
  });
  test('a small face far behind the user is not a second person', () => {
    assert.equal(prominentFaceCount([{ width: 300 }, { width: 90 }]), 1);
    assert.equal(prominentFaceCount([{ width: 300 }, { width: 200 }]), 2);
  });
});

describe('quality measures on real pictures', () => {
  const measure = async (bytes: Uint8Array) => {
    const located = await locateLargestFace(fx.analyzer, bytes);
    assert.ok(located, 'a face is found');
    return measureFaceQuality(located, 1);
  };
  const picture = async () => sharp(await readFile(await fx.kit.picture('a')));

  test('the clean picture passes; darkened, blurred and shrunk versions each fail for their reason', async () => {
    assert.deepEqual(selfieQualityIssues(await measure(await (await picture()).png().toBuffer())), []);
    const dark = await measure(await (await picture()).linear(0.15, 0).png().toBuffer());
    assert.ok(dark.brightness < SELFIE_LIMITS.minBrightness, `brightness ${dark.brightness}`);
    assert.ok(selfieQualityIssues(dark).some((i) => i.code === 'FACE_TOO_DARK'));
    const blurred = await measure(await (await picture()).blur(6).png().toBuffer());
    assert.ok(selfieQualityIssues(blurred).some((i) => i.code === 'FACE_BLURRED'), `sharpness ${blurred.sharpness}`);
    const small = await measure(await (await picture()).resize({ width: 120 }).png().toBuffer());
    assert.ok(selfieQualityIssues(small).some((i) => i.code === 'FACE_TOO_SMALL'), `face ${small.faceSize} px`);
  });

  test('a document photo without a portrait answers PORTRAIT_NOT_FOUND with what to do', async () => {
    const blank = await readFile(await fx.kit.noFacePicture());
    const face = await readFile(await fx.kit.picture('a'));
    await assert.rejects(matchFaces(fx.analyzer, blank, face), (e: unknown) => e instanceof NoFaceFound && e.code === 'PORTRAIT_NOT_FOUND' && /whole document page/.test(e.message));
  });
});
