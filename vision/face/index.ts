// Face analysis for KYC: video frame extraction, liveness action scoring, face match.
export { VideoRejected, FfmpegUnavailable, ImageRejected, type VideoRejectionCode } from './errors.js';
export { resolveFfmpeg, type FfmpegBinaries } from './ffmpeg-binary.js';
export { extractFrames, type ExtractedFrames, type FrameExtractionOptions, type VideoFrame, type VideoInput } from './ffmpeg-frames.js';
export { probeVideo, type VideoProbe } from './video-probe.js';
export type { RgbImage } from './rgb-image.js';
export { decodeImage } from './image-decode.js';
export {
  createFaceAnalyzer,
  type AnalyzeOptions,
  type FaceAnalyzer,
  type FaceBox,
  type FaceObservation,
} from './face-analyzer.js';
export {
  scoreAction,
  bestFrameIndex,
  DEFAULT_THRESHOLDS,
  LIVENESS_ACTIONS,
  type ActionScore,
  type ActionThresholds,
  type FrameFaces,
  type LivenessAction,
  type ScoreOptions,
} from './liveness-actions.js';
export { cosineDistance, euclideanDistance, descriptorDistance, similarityFromDistance, type DescriptorMetric } from './embedding.js';
export {
  embedLargestFace,
  locateLargestFace,
  describeLocated,
  type DescriptorOptions,
  type EmbeddedFace,
  type ImageInput,
  type LocatedFace,
} from './face-embed.js';
export { DESCRIPTOR_MODELS, DESCRIPTOR_MODEL_IDS, loadDescriber, type DescriberOptions, type DescriptorModelId, type FaceCrop, type FaceDescriber } from './descriptor-models.js';
export { alignFace, warpToTemplate, dlibTemplate, chipPointsFromMesh, fivePointsFromMesh, similarityTransform, applySimilarity, templateFor, ARCFACE_TEMPLATE, type FivePoints, type Point2 } from './face-align.js';
export { matchFaces, NoFaceFound, DEFAULT_MATCH_THRESHOLD, type FaceMatchResult, type MatchOptions } from './face-match.js';
export {
  measureFaceQuality,
  selfieQualityIssues,
  prominentFaceCount,
  SELFIE_LIMITS,
  PORTRAIT_LIMITS,
  type FaceQualityCode,
  type FaceQualityIssue,
  type FaceQualityMeasures,
  type FaceQualityLimits,
} from './face-quality.js';
export { judgePresentation, DEFAULT_PRESENTATION_LIMITS, type PresentationLimits, type PresentationVerdict } from './presentation-attack.js';
export { SpectrumAccumulator } from './moire.js';
export { loadSpoofModels, type SpoofModels } from './spoof-models.js';
export { scoreVideo, scoreVideos, ACTION_PROFILES, type LivenessVideoOptions, type LivenessVideoResult, type PresentationSignals } from './liveness-video.js';
export { samePerson, type SamePersonResult } from './same-person.js';
export { compareFingerprints, fingerprintKeys, fingerprintVideo, DEFAULT_REPLAY_THRESHOLDS, type VideoFingerprint } from './video-fingerprint.js';
export { createLivenessPool, type ClipJob, type LivenessPool } from './liveness-pool.js';
