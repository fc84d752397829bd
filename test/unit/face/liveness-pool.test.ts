// Liveness clips scored on worker threads (liveness-pool.ts): the same answers as on the calling
// thread, refusals that keep their code across the thread boundary, clips side by side.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { DEFAULT_FACE_MODEL } from '../../../domain/face-match.js';
import { createLivenessPool, loadDescriber, scoreVideo, VideoRejected, type ClipJob } from '../../../vision/face/index.js';
import { useFaceKit } from './face-kit.js';

const fx = useFaceKit();
const pool = createLivenessPool(2);
after(() => pool.close());

const job = (action: ClipJob['action'], video: ClipJob['video']): ClipJob => ({ action, video, mirrored: false, descriptorModel: DEFAULT_FACE_MODEL, flip: false });

describe('liveness pool', () => {
  test('a clip scored on a thread gets the answer it gets on this thread', async () => {
    const video = await fx.kit.still(2);
    const describer = await loadDescriber(DEFAULT_FACE_MODEL);
    const [here, there] = await Promise.all([scoreVideo(fx.analyzer, 'BLINK', video, { descriptor: { describer, align: true } }), pool.score(job('BLINK', video))]);
    assert.equal(there.passed, here.passed);
    assert.equal(there.reason, here.reason);
    assert.deepEqual(there.faces, here.faces);
    assert.equal(there.bestFrameIndex, here.bestFrameIndex);
    assert.ok(there.bestFrame?.embedding instanceof Float32Array, 'the identity frame comes back described');
    assert.ok(describer.distance(there.bestFrame.embedding, here.bestFrame!.embedding!) < 1e-3, 'the same descriptor');
    assert.equal(there.bestFrame.image.data.length, there.bestFrame.image.width * there.bestFrame.image.height * 3);
  });

  test('bytes that are not a video are refused with their code, as on this thread', async () => {
    const err = await pool.score(job('SMILE', new TextEncoder().encode('not a video at all'))).catch((e: unknown) => e);
    assert.ok(err instanceof VideoRejected, String(err));
    assert.equal(err.code, 'NOT_A_VIDEO');
  });

  test('more clips than threads all get scored, each with its own answer', async () => {
    const [still, none] = await Promise.all([fx.kit.still(2), fx.kit.noFace()]);
    const noise = join(fx.kit.dir, 'noise.mp4');
    await writeFile(noise, Buffer.alloc(4096, 7));
    const results = await Promise.allSettled([pool.score(job('TURN_LEFT', still)), pool.score(job('SMILE', none)), pool.score(job('NOD', noise)), pool.score(job('BLINK', still))]);
    const [turn, faceless, refused, blink] = results;
    assert.equal(turn.status === 'fulfilled' && turn.value.faces.max, 1);
    assert.equal(faceless.status === 'fulfilled' && faceless.value.faces.max, 0);
    assert.ok(refused.status === 'rejected' && refused.reason instanceof VideoRejected);
    assert.equal(blink.status === 'fulfilled' && blink.value.passed, false);
  });

  test('a warmed pool has its threads ready and scores on them', async () => {
    const warmed = createLivenessPool(1);
    try {
      await warmed.warm();
      const r = await warmed.score(job('OPEN_MOUTH', await fx.kit.still(1)));
      assert.equal(r.passed, false);
      assert.equal(r.faces.max, 1);
    } finally {
      await warmed.close();
    }
  });

  test('a closed pool refuses new clips', async () => {
    const closed = createLivenessPool(1);
    await closed.close();
    await assert.rejects(closed.score(job('BLINK', await fx.kit.still(1))), /closed/);
  });
});
