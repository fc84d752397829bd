/** Why an uploaded liveness video was refused before any face analysis. */
export type VideoRejectionCode = 'NOT_A_VIDEO' | 'TOO_LONG' | 'TOO_LARGE' | 'NO_FRAMES' | 'CORRUPT';

export class VideoRejected extends Error {
  override readonly name = 'VideoRejected';
  constructor(
    readonly code: VideoRejectionCode,
    message: string,
  ) {
    super(message);
  }
}

/** The ffmpeg/ffprobe binary could not be found or started. */
export class FfmpegUnavailable extends Error {
  override readonly name = 'FfmpegUnavailable';
}

/** An image given for face analysis could not be decoded. */
export class ImageRejected extends Error {
  override readonly name = 'ImageRejected';
  readonly code = 'NOT_AN_IMAGE' as const;
}
