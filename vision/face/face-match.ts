import { bandOf, type FaceMatchBand, type FaceMatchBands } from '../../domain/face-match.js';
import { cosineDistance, similarityFromDistance } from './embedding.js';
import type { FaceAnalyzer } from './face-analyzer.js';
import { embedLargestFace, type DescriptorOptions, type ImageInput } from './face-embed.js';
import { PORTRAIT_LIMITS } from './face-quality.js';

/**
 * The engine before bands: human's faceres, unaligned, one threshold (kept for callers that pass
 * no bands; bench:face prints its ROC as the baseline).
 */
export const DEFAULT_MATCH_THRESHOLD = 0.4;

export interface FaceMatchResult {
  /** 0..1, 0.5 exactly at the match threshold (a display scale, not a probability). */
  similarity: number;
  /** Distance of the two descriptors in the model's metric (cosine 0..2; dlib's Euclidean ~0..1.5). */
  distance: number;
  band: FaceMatchBand;
  /** band === 'match'. */
  passed: boolean;
  /** The match band's bound (kept for the single-threshold callers). */
  threshold: number;
  bands: FaceMatchBands;
  /** The descriptor model and version the distance was measured with. */
  model: string;
  /**
   * The selfie is nearly pixel-for-pixel the document's portrait (a photo of the document held
   * to the camera): no two captures of a live face come this close.
   */
  copyOfPortrait: boolean;
  /** The two descriptors compared (kept sealed for duplicate-face search; never in workflow history). */
  descriptors: { document: Float32Array; selfie: Float32Array };
}

export class NoFaceFound extends Error {
  override readonly name = 'NoFaceFound';
  constructor(
    readonly which: 'document' | 'selfie',
    readonly code: 'PORTRAIT_NOT_FOUND' | 'NO_FACE' = which === 'document' ? 'PORTRAIT_NOT_FOUND' : 'NO_FACE',
    message = which === 'document'
      ? 'no portrait was found on the document photo: upload a sharp, well-lit photo of the whole document page'
      : 'no face was found on the selfie',
  ) {
    super(message);
  }
}

export interface MatchOptions {
  descriptor?: DescriptorOptions;
  /** Default: one threshold, DEFAULT_MATCH_THRESHOLD, for both bounds. */
  bands?: FaceMatchBands;
  /** Distance at or below which the selfie counts as a copy of the portrait; 0 disables. */
  copyDistance?: number;
}

/**
 * Compares the portrait on an identity document (its largest face) with a selfie frame.
 * Throws NoFaceFound when either image shows no (usable) face.
 */
export async function matchFaces(analyzer: FaceAnalyzer, documentImage: ImageInput, selfieFrame: ImageInput, opts: MatchOptions = {}): Promise<FaceMatchResult> {
  const bands = opts.bands ?? { match: DEFAULT_MATCH_THRESHOLD, noMatch: DEFAULT_MATCH_THRESHOLD };
  const doc = await embedLargestFace(analyzer, documentImage, opts.descriptor);
  if (!doc) throw new NoFaceFound('document');
  if (Math.max(doc.box.width, doc.box.height) < PORTRAIT_LIMITS.minFaceSize) {
    throw new NoFaceFound('document', 'PORTRAIT_NOT_FOUND', 'the portrait on the document photo is too small to compare: photograph the document closer, filling the frame');
  }
  const selfie = await embedLargestFace(analyzer, selfieFrame, opts.descriptor);
  if (!selfie) throw new NoFaceFound('selfie');
  const describer = opts.descriptor?.describer;
  const distance = round(describer ? describer.distance(doc.embedding, selfie.embedding) : cosineDistance(doc.embedding, selfie.embedding));
  const band = bandOf(distance, bands);
  return {
    similarity: similarityFromDistance(distance, bands.match),
    distance,
    band,
    passed: band === 'match',
    threshold: bands.match,
    bands,
    model: describer?.modelVersion ?? 'faceres@@vladmandic/human (unaligned)',
    copyOfPortrait: distance <= (opts.copyDistance ?? 0),
    descriptors: { document: doc.embedding, selfie: selfie.embedding },
  };
}

const round = (x: number): number => Math.round(x * 10000) / 10000;
