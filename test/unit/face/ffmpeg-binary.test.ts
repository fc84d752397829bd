import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { FfmpegUnavailable, probeVideo, resolveFfmpeg } from '../../../vision/face/index.js';
import { SyntheticVideos } from '../../support/synthetic-videos.js';

let kit: SyntheticVideos;
before(async () => {
  kit = await SyntheticVideos.create();
});
after(() => kit.cleanup());

const installed = resolveFfmpeg();

test('FFMPEG_PATH wins over PATH; ffprobe is taken from beside it', () => {
  const found = resolveFfmpeg({ FFMPEG_PATH: installed.ffmpeg, PATH: '' });
  assert.equal(found.ffmpeg, installed.ffmpeg);
});

test('PATH is searched when FFMPEG_PATH is unset', () => {
  const dir = installed.ffmpeg.slice(0, installed.ffmpeg.lastIndexOf('/'));
  assert.equal(resolveFfmpeg({ PATH: `/nonexistent:${dir}` }).ffmpeg, installed.ffmpeg);
});

test('a wrong FFMPEG_PATH is an error, not a silent fallback', () => {
  assert.throws(() => resolveFfmpeg({ FFMPEG_PATH: '/nonexistent/ffmpeg', PATH: '/usr/bin' }), FfmpegUnavailable);
});

test('without ffprobe, probing falls back to parsing ffmpeg -i', async () => {
  const video = await kit.still(3);
  const viaFfmpeg = await probeVideo(video, { ffmpeg: installed.ffmpeg, ffprobe: undefined });
  assert.ok(viaFfmpeg);
  assert.deepEqual([viaFfmpeg.width, viaFfmpeg.height, viaFfmpeg.codec], [480, 480, 'h264']);
  assert.ok(Math.abs(viaFfmpeg.durationS! - 3) < 0.2);
  assert.match(viaFfmpeg.format, /mp4/);
  const picture = await probeVideo(await kit.pngAsMp4(), { ffmpeg: installed.ffmpeg, ffprobe: undefined });
  assert.match(picture?.format ?? '', /_pipe/);
  assert.equal(await probeVideo(await kit.empty(), { ffmpeg: installed.ffmpeg, ffprobe: undefined }), undefined);
});
