import { resolveFfmpeg, type FfmpegBinaries } from './ffmpeg-binary.js';
import { runProcess } from './run-process.js';

export interface VideoProbe {
  /** Container format names as ffmpeg reports them, e.g. "mov,mp4,m4a,3gp,3g2,mj2". */
  format: string;
  /** Seconds; undefined when the container does not say (e.g. browser-recorded WebM). */
  durationS: number | undefined;
  /** The video stream's own length when known (the container's may include a longer audio track). */
  videoDurationS: number | undefined;
  width: number;
  height: number;
  codec: string;
}

const PROBE_TIMEOUT_MS = 10_000;

/** Reads container and first video stream facts; undefined when ffmpeg cannot parse the file as media. */
export async function probeVideo(path: string, binaries: FfmpegBinaries = resolveFfmpeg()): Promise<VideoProbe | undefined> {
  const { ffprobe, ffmpeg } = binaries;
  return ffprobe ? probeWithFfprobe(ffprobe, path) : probeWithFfmpeg(ffmpeg, path);
}

async function probeWithFfprobe(bin: string, path: string): Promise<VideoProbe | undefined> {
  const args = ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', '-select_streams', 'v:0', path];
  const res = await runProcess(bin, args, { timeoutMs: PROBE_TIMEOUT_MS, maxStdoutBytes: 1 << 20 });
  if (res.code !== 0) return undefined;
  let parsed: FfprobeJson;
  try {
    parsed = JSON.parse(res.stdout.toString('utf8')) as FfprobeJson;
  } catch {
    return undefined;
  }
  const stream = parsed.streams?.[0];
  if (!stream || !parsed.format) return undefined;
  return {
    format: parsed.format.format_name ?? '',
    durationS: positiveNumber(parsed.format.duration) ?? positiveNumber(stream.duration),
    videoDurationS: positiveNumber(stream.duration),
    width: stream.width ?? 0,
    height: stream.height ?? 0,
    codec: stream.codec_name ?? '',
  };
}

interface FfprobeJson {
  format?: { format_name?: string; duration?: string };
  streams?: Array<{ codec_name?: string; width?: number; height?: number; duration?: string }>;
}

/** Fallback for ffmpeg builds shipped without ffprobe: parse the banner of `ffmpeg -i`. */
async function probeWithFfmpeg(bin: string, path: string): Promise<VideoProbe | undefined> {
  const res = await runProcess(bin, ['-hide_banner', '-i', path], { timeoutMs: PROBE_TIMEOUT_MS, maxStdoutBytes: 1 << 16 });
  const text = res.stderr;
  const format = /Input #0, ([^ ]+), from/.exec(text)?.[1];
  const video = /Stream #0:\d+[^:]*: Video: (\w+)[^\n]*?, (\d{2,5})x(\d{2,5})/.exec(text);
  if (!format || !video) return undefined;
  const d = /Duration: (\d+):(\d{2}):(\d{2}(?:\.\d+)?)/.exec(text);
  const durationS = d ? Number(d[1]) * 3600 + Number(d[2]) * 60 + Number(d[3]) : undefined;
  return {
    format: format.replace(/,$/, ''),
    durationS: durationS && durationS > 0 ? durationS : undefined,
    videoDurationS: undefined,
    width: Number(video[2]),
    height: Number(video[3]),
    codec: video[1] ?? '',
  };
}

function positiveNumber(value: string | undefined): number | undefined {
  const n = value === undefined ? NaN : Number(value);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

/** Still-image demuxers: a PNG or JPEG renamed to .mp4 probes fine but is not a video. */
export function isStillImageFormat(format: string): boolean {
  return format.split(',').some((f) => f === 'image2' || f.endsWith('_pipe'));
}
