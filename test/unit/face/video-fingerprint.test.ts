import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { extractFrames } from '../../../vision/face/ffmpeg-frames.js';
import { resolveFfmpeg } from '../../../vision/face/ffmpeg-binary.js';
import { compareFingerprints, fingerprintKeys, fingerprintVideo, frameHash, hammingDistance, HASH_BITS } from '../../../vision/face/video-fingerprint.js';
import { SyntheticVideos } from '../../support/synthetic-videos.js';

const run = promisify(execFile);
const ff = (args: string[]) => run(resolveFfmpeg().ffmpeg, ['-y', '-v', 'error', ...args]);
const H264 = ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'];

/** The replay fingerprint on generated hand-held clips: the same recording however its file changed, never another take. */
describe('liveness replay fingerprint', () => {
  let kit: SyntheticVideos;
  before(async () => (kit = await SyntheticVideos.create()));
  after(async () => kit?.cleanup());

  const fingerprint = (path: string) => fingerprintVideo(path);
  const derived = async (name: string, args: (src: string, out: string) => string[]) => {
    const src = await kit.handheld(1);
    const out = join(kit.dir, `${name}.mp4`);
    await ff(args(src, out));
    return out;
  };

  test('frame hashes: HASH_BITS bits, equal for equal pictures', async () => {
    const { frames } = await extractFrames(await kit.handheld(1), { fps: 2 });
    const hash = frameHash(frames[0]!);
    assert.equal(hash.length, HASH_BITS / 4);
    assert.equal(hammingDistance(hash, frameHash(frames[0]!)), 0);
    assert.ok(hammingDistance(hash, frameHash(frames.at(-1)!)) > 0, 'the camera moved');
  });

  test('bytes appended to the file: the same recording', async () => {
    const src = await kit.handheld(1);
    const padded = join(kit.dir, 'padded.mp4');
    await writeFile(padded, Buffer.concat([await readFile(src), Buffer.from('not a new video')]));
    const match = compareFingerprints(await fingerprint(padded), await fingerprint(src));
    assert.equal(match.replay, true);
    assert.equal(match.matchedShare, 1);
  });

  test('re-encoded or trimmed at the start: still the same recording', async () => {
    const original = await fingerprint(await kit.handheld(1));
    const reencoded = await derived('crf32', (src, out) => ['-i', src, '-crf', '32', ...H264, out]);
    const trimmed = await derived('trimmed', (src, out) => ['-ss', '0.43', '-i', src, ...H264, out]);
    for (const [what, fp] of [['re-encoded', await fingerprint(reencoded)], ['trimmed', await fingerprint(trimmed)]] as const) {
      const match = compareFingerprints(fp, original);
      assert.ok(match.replay, `${what}: ${JSON.stringify(match)}`);
    }
  });

  test('another take of the same scene, or another scene, is new', async () => {
    const original = await fingerprint(await kit.handheld(1));
    for (const seed of [2, 3, 4]) {
      const match = compareFingerprints(await fingerprint(await kit.handheld(seed)), original);
      assert.equal(match.replay, false, `take ${seed}: ${JSON.stringify(match)}`);
    }
    assert.equal(compareFingerprints(await fingerprint(await kit.pan(3)), original).replay, false);
  });

  test('another take with a barely moving hand: frames look alike, the motion tells it apart', async () => {
    const original = await fingerprint(await kit.handheld(5, 4, 2));
    for (const seed of [6, 7]) {
      const match = compareFingerprints(await fingerprint(await kit.handheld(seed, 4, 2)), original);
      assert.ok(match.matchedShare >= 0.8, `the frames look alike: ${JSON.stringify(match)}`);
      assert.equal(match.replay, false, `take ${seed}: ${JSON.stringify(match)}`);
    }
  });

  test('a photo filmed twice on a tripod is new: only sensor noise changes, and noise does not correlate', async () => {
    const picture = await kit.picture();
    const filmed = async (seed: number) => {
      const out = join(kit.dir, `tripod-${seed}.mp4`);
      await ff(['-loop', '1', '-framerate', '30', '-t', '3', '-i', picture, '-vf', `noise=alls=6:allf=t:all_seed=${seed}`, ...H264, out]);
      return fingerprint(out);
    };
    const match = compareFingerprints(await filmed(1), await filmed(2));
    assert.ok(match.matchedShare >= 0.8, `the frames look alike: ${JSON.stringify(match)}`);
    assert.equal(match.replay, false, JSON.stringify(match));
  });

  test('keys: a replay shares them, so a store finds it', async () => {
    const a = fingerprintKeys(await fingerprint(await kit.handheld(1)));
    const b = new Set(fingerprintKeys(await fingerprint(await derived('crf28', (src, out) => ['-i', src, '-crf', '28', ...H264, out]))));
    assert.ok(a.some((key) => b.has(key)));
  });
});
