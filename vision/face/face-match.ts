import { cosineDistance, similarityFromDistance } from './embedding.js';
import type { FaceAnalyzer } from './face-analyzer.js';
import { embedLargestFace, type ImageInput } from './face-embed.js';

/**
 * Cosine distance at or below which two faces are taken as the same person, from the ROC of
 * `npm run bench:face` on the labelled fixtures (101 same / 1439 different photo pairs):
 * 0.40 → TPR 91%, FPR 0.5%; 0.425 → 96% / 1.0%; 0.45 → 99% / 2.2%. KYC weighs a false accept
 * above a retry, so the lower point. Document portrait ↔ photo pairs: 8/8 matched, 0/104 false.
 */
export const DEFAULT_MATCH_THRESHOLD = 0.4;

export interface FaceMatchResult {
  /** 0..1, 0.5 exactly at the threshold (a display scale, not a probability). */
  similarity: number;
  /** Cosine distance of the two descriptors, 0..2. */
  distance: number;
  passed: boolean;
  threshold: number;
}

export class NoFaceFound extends Error {
  override readonly name = 'NoFaceFound';
  constructor(readonly which: 'document' | 'selfie') {
    super(`no face found on the ${which} image`);
  }
}

/**
 * Compares the portrait on an identity document (its largest face) with a selfie frame.
 * Throws NoFaceFound when either image shows no face.
 */
export async function matchFaces(
  analyzer: FaceAnalyzer,
  documentImage: ImageInput,
  selfieFrame: ImageInput,
  opts: { threshold?: number } = {},
): Promise<FaceMatchResult> {
  const threshold = opts.threshold ?? DEFAULT_MATCH_THRESHOLD;
  const doc = await embedLargestFace(analyzer, documentImage);
  if (!doc) throw new NoFaceFound('document');
  const selfie = await embedLargestFace(analyzer, selfieFrame);
  if (!selfie) throw new NoFaceFound('selfie');
  const distance = round(cosineDistance(doc.embedding, selfie.embedding));
  return { similarity: similarityFromDistance(distance, threshold), distance, passed: distance <= threshold, threshold };
}

const round = (x: number): number => Math.round(x * 10000) / 10000;
