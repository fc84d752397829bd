import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VideoRejected } from './errors.js';
import { resolveFfmpeg } from './ffmpeg-binary.js';
import { decodeJpegFrame } from './image-decode.js';
import { JpegSplitter } from './jpeg-stream.js';
import type { RgbImage } from './rgb-image.js';
import { runProcess } from './run-process.js';
import { isStillImageFormat, probeVideo, type VideoProbe } from './video-probe.js';

/** A path on disk, or the file's bytes (written to a private temp dir that is always removed). */
export type VideoInput = string | Uint8Array;

export interface FrameExtractionOptions {
  /** Refuse longer videos (seconds). Default 15. */
  maxDurationS?: number;
  /** Sampling rate; lowered so that the whole clip fits in `maxFrames`. Default 10, capped at 10. */
  fps?: number;
  /** Default 60. */
  maxFrames?: number;
  /** Longest side of the extracted frames; never upscaled. Default 480. */
  maxSide?: number;
  /** Refuse bigger files. Default 50 MB. */
  maxBytes?: number;
  /** Refuse larger pictures (width × height), a guard against decoder bombs. Default 4096×4096. */
  maxPixels?: number;
  /** Kill ffmpeg after this long. Default 30 s. */
  timeoutMs?: number;
  /**
   * Called with each frame as soon as it is decoded, in order, while ffmpeg still runs (to
   * analyse while decoding). The same frames are returned; a rejection may still follow.
   */
  onFrame?: (frame: VideoFrame) => void;
}

export interface VideoFrame extends RgbImage {
  index: number;
  /** Seconds from the start of the clip (sampling time). */
  timeS: number;
}

export interface ExtractedFrames {
  frames: VideoFrame[];
  probe: VideoProbe;
  /** Effective sampling rate used. */
  fps: number;
}

const DEFAULTS = {
  maxDurationS: 15,
  fps: 10,
  maxFrames: 60,
  maxSide: 480,
  maxBytes: 50 * 1024 * 1024,
  maxPixels: 4096 * 4096,
  timeoutMs: 30_000,
} satisfies Required<Omit<FrameExtractionOptions, 'onFrame'>>;

type Options = typeof DEFAULTS & Pick<FrameExtractionOptions, 'onFrame'>;

/** Probes, validates and samples a video into in-memory RGB frames; throws VideoRejected. */
export async function extractFrames(input: VideoInput, options: FrameExtractionOptions = {}): Promise<ExtractedFrames> {
  const opts = { ...DEFAULTS, ...options, fps: Math.min(options.fps ?? DEFAULTS.fps, DEFAULTS.fps) };
  return withFile(input, async (path) => {
    await checkSize(path, opts.maxBytes);
    const probe = await probeVideo(path);
    validateProbe(probe, opts);
    // Lower the rate for long clips so the sampled frames still span the whole clip.
    const duration = probe.durationS ?? opts.maxDurationS;
    const fps = Math.min(opts.fps, opts.maxFrames / duration);
    const frames = await decodeFrames(path, fps, opts);
    if (frames.length === 0) throw new VideoRejected('NO_FRAMES', 'the video has no decodable frames');
    checkMostlyDecoded(frames.length, (probe.videoDurationS ?? duration) * fps, opts.maxFrames);
    // Containers without a duration (e.g. MediaRecorder WebM) are measured by decoding.
    if (probe.durationS === undefined && frames.length / fps > opts.maxDurationS) {
      throw new VideoRejected('TOO_LONG', `the video is longer than ${opts.maxDurationS} s`);
    }
    return { frames, probe, fps };
  });
}

function validateProbe(probe: VideoProbe | undefined, opts: Options): asserts probe is VideoProbe {
  if (!probe) throw new VideoRejected('NOT_A_VIDEO', 'the file is not a readable video');
  if (isStillImageFormat(probe.format)) throw new VideoRejected('NOT_A_VIDEO', `the file is a still image (${probe.format}), not a video`);
  if (probe.width * probe.height > opts.maxPixels) {
    throw new VideoRejected('TOO_LARGE', `the video picture is too large (${probe.width}x${probe.height})`);
  }
  if (probe.durationS !== undefined && probe.durationS > opts.maxDurationS) {
    throw new VideoRejected('TOO_LONG', `the video lasts ${probe.durationS.toFixed(1)} s; the limit is ${opts.maxDurationS} s`);
  }
}

/** A damaged stream decodes its intact head only; judging a fraction of the clip would mislead. */
function checkMostlyDecoded(decoded: number, expected: number, maxFrames: number): void {
  const wanted = Math.min(Math.floor(expected), maxFrames);
  if (decoded < 0.5 * wanted) {
    throw new VideoRejected('CORRUPT', `the video is damaged: only ${decoded} of about ${wanted} sampled frames could be decoded`);
  }
}

async function decodeFrames(path: string, fps: number, opts: Options): Promise<VideoFrame[]> {
  const side = opts.maxSide;
  // Longest side to `side` at most, never upscaled, even dimensions.
  const scale = `scale='if(gte(iw,ih),min(${side},iw),-2)':'if(gte(iw,ih),-2,min(${side},ih))'`;
  const args = [
    '-v', 'error', '-nostdin',
    // One decoding thread: the clip decodes faster than its frames are analysed, and the cores
    // are busy analysing (a session's clips run side by side); more threads only add overhead.
    '-threads', '1',
    '-t', String(opts.maxDurationS + 1),
    '-i', path,
    '-an', '-sn', '-dn',
    '-vf', `fps=${fps.toFixed(4)},${scale}`,
    '-frames:v', String(opts.maxFrames),
    // JPEG at high quality, not raw RGB: ~20× fewer bytes through the pipe, which the event loop
    // drains between inference steps; decoding then runs in libvips' threads.
    '-f', 'image2pipe', '-c:v', 'mjpeg', '-q:v', '2', 'pipe:1',
  ];
  const maxBytes = opts.maxFrames * side * side; // a JPEG frame is far below 1 byte per pixel
  // Pictures are decoded as they arrive, in order; a damaged tail still yields the frames
  // decoded before it, and only an empty result is fatal.
  const frames: VideoFrame[] = [];
  const splitter = new JpegSplitter(opts.maxFrames);
  let index = 0;
  let decoding: Promise<void> = Promise.resolve();
  const onStdout = (chunk: Buffer): void => {
    for (const jpeg of splitter.push(chunk)) {
      const i = index++;
      const decoded = decodeJpegFrame(jpeg).catch(() => undefined);
      decoding = decoding.then(async () => {
        const img = await decoded;
        if (!img) return;
        const frame = { ...img, index: i, timeS: i / fps };
        frames.push(frame);
        opts.onFrame?.(frame);
      });
    }
  };
  const res = await runProcess(resolveFfmpeg().ffmpeg, args, { timeoutMs: opts.timeoutMs, maxStdoutBytes: maxBytes, onStdout });
  await decoding;
  if (res.timedOut) throw new VideoRejected('NO_FRAMES', 'decoding the video took too long');
  return frames;
}

async function checkSize(path: string, maxBytes: number): Promise<void> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch {
    throw new VideoRejected('NOT_A_VIDEO', 'the video file cannot be read');
  }
  if (size === 0) throw new VideoRejected('NOT_A_VIDEO', 'the video file is empty');
  if (size > maxBytes) throw new VideoRejected('TOO_LARGE', `the video file is larger than ${maxBytes} bytes`);
}

async function withFile<T>(input: VideoInput, fn: (path: string) => Promise<T>): Promise<T> {
  if (typeof input === 'string') return fn(input);
  const dir = await mkdtemp(join(tmpdir(), 'kycflow-video-'));
  try {
    const path = join(dir, 'input');
    await writeFile(path, input);
    return await fn(path);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
