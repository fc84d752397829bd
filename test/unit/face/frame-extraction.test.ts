import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { extractFrames, VideoRejected, type VideoRejectionCode } from '../../../vision/face/index.js';
import sharp from 'sharp';
import { JpegSplitter, splitJpegStream } from '../../../vision/face/jpeg-stream.js';
import { SyntheticVideos } from '../../support/synthetic-videos.js';

let kit: SyntheticVideos;
before(async () => {
  kit = await SyntheticVideos.create();
});
after(() => kit.cleanup());

async function rejects(path: string | Uint8Array, code: VideoRejectionCode): Promise<VideoRejected> {
  const err = await extractFrames(path).then(
    () => assert.fail(`expected VideoRejected ${code}`),
    (e: unknown) => e,
  );
  assert.ok(err instanceof VideoRejected, `expected VideoRejected, got ${String(err)}`);
  assert.equal(err.code, code, err.message);
  assert.ok(err.message.length > 0);
  return err;
}

describe('extractFrames limits', () => {
  test('samples at most 10 fps, scales to ≤ 480 px, times frames from 0', async () => {
    const { frames, fps, probe } = await extractFrames(await kit.still(3), { fps: 30 });
    assert.equal(fps, 10);
    assert.ok(Math.abs(probe.durationS! - 3) < 0.2);
    assert.ok(frames.length >= 28 && frames.length <= 31, `${frames.length} frames`);
    for (const f of frames) {
      assert.ok(Math.max(f.width, f.height) <= 480);
      assert.equal(f.data.length, f.width * f.height * 3);
    }
    assert.equal(frames[0]!.timeS, 0);
    assert.ok(Math.abs(frames[10]!.timeS - 1) < 1e-9);
  });

  test('lowers the rate so that maxFrames spans the whole clip', async () => {
    const { frames, fps } = await extractFrames(await kit.still(3), { maxFrames: 6 });
    assert.equal(frames.length, 6);
    assert.ok(Math.abs(fps - 2) < 1e-9);
    assert.ok(frames.at(-1)!.timeS >= 2.4);
  });

  test('honours maxSide', async () => {
    const { frames } = await extractFrames(await kit.still(3), { maxSide: 240, fps: 2 });
    assert.deepEqual([frames[0]!.width, frames[0]!.height], [240, 240]);
  });

  test('accepts bytes and leaves no temp file behind', async () => {
    // A private temp folder (os.tmpdir() follows TMPDIR), so other processes' files don't count.
    const bytes = await readFile(await kit.still(3));
    const ownTmp = await mkdtemp(join(tmpdir(), 'kycflow-frames-test-'));
    const savedTmp = process.env.TMPDIR;
    process.env.TMPDIR = ownTmp;
    try {
      const { frames } = await extractFrames(bytes, { fps: 2 });
      assert.ok(frames.length >= 5);
      await rejects(new Uint8Array([1, 2, 3]), 'NOT_A_VIDEO');
      assert.deepEqual(await readdir(ownTmp), []);
    } finally {
      if (savedTmp === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = savedTmp;
      await rm(ownTmp, { recursive: true, force: true });
    }
  });
});

describe('extractFrames rejections', () => {
  test('a PNG renamed to .mp4 is not a video', async () => {
    const err = await rejects(await kit.pngAsMp4(), 'NOT_A_VIDEO');
    assert.match(err.message, /still image/);
  });

  test('an empty file is not a video', async () => {
    await rejects(await kit.empty(), 'NOT_A_VIDEO');
  });

  test('a 10-minute video is refused from its header, quickly', async () => {
    const path = await kit.tooLong(600);
    const started = Date.now();
    const err = await rejects(path, 'TOO_LONG');
    assert.match(err.message, /600/);
    assert.ok(Date.now() - started < 3000);
  });

  test('a truncated MP4 (index lost) is not a readable video', async () => {
    await rejects(await kit.truncated(), 'NOT_A_VIDEO');
  });

  test('a video whose picture data is noise is corrupt', async () => {
    await rejects(await kit.garbled(), 'CORRUPT');
  });

  test('the duration limit is a parameter', async () => {
    const err = await extractFrames(await kit.still(3), { maxDurationS: 2 }).catch((e: unknown) => e);
    assert.ok(err instanceof VideoRejected && err.code === 'TOO_LONG');
  });
});

describe('splitJpegStream', () => {
  test('splits concatenated JPEGs and drops a partial tail', async () => {
    const jpeg = (w: number, h: number, v: number) =>
      sharp(Buffer.alloc(w * h * 3, v), { raw: { width: w, height: h, channels: 3 } }).jpeg().toBuffer();
    const [a, b, c] = await Promise.all([jpeg(8, 4, 7), jpeg(3, 9, 200), jpeg(16, 16, 1)]);
    const stream = Buffer.concat([a, b, c.subarray(0, c.length - 10)]);
    const out = splitJpegStream(stream, 10);
    assert.equal(out.length, 2);
    assert.deepEqual(Buffer.from(out[1]!), b);
    assert.equal((await sharp(out[1]!).metadata()).height, 9);
    assert.equal(splitJpegStream(stream, 1).length, 1);
    // The same split over the stream as it arrives, in chunks of every size.
    for (const size of [1, 2, 3, 7, 64, stream.length]) {
      const splitter = new JpegSplitter(10);
      const got: Buffer[] = [];
      for (let i = 0; i < stream.length; i += size) got.push(...splitter.push(stream.subarray(i, i + size)).map((x) => Buffer.from(x)));
      assert.deepEqual(got, out.map((x) => Buffer.from(x)), `chunks of ${size}`);
    }
  });
});

test('onFrame sees every returned frame, in order, before extraction ends', async () => {
  const seen: number[] = [];
  const { frames } = await extractFrames(await kit.still(2), { onFrame: (f) => seen.push(f.index) });
  assert.ok(frames.length >= 18);
  assert.deepEqual(seen, frames.map((f) => f.index));
});
