import { cosineDistance } from './embedding.js';
import { DEFAULT_MATCH_THRESHOLD } from './face-match.js';

export interface SamePersonResult {
  passed: boolean;
  /** Largest pairwise distance between the videos' identity frames. */
  maxDistance: number;
  threshold: number;
  reason?: string;
}

/**
 * All liveness videos of a session must show one person: every pair of their identity-frame
 * descriptors within `threshold` in the descriptor's own `distance` (frames of one session are
 * far more alike than a document photo and a selfie, so a lenient bound serves). The defaults
 * are the engine before descriptors were chosen: cosine, 0.4.
 */
export function samePerson(
  videos: ReadonlyArray<{ bestFrame?: { embedding?: Float32Array } }>,
  threshold: number = DEFAULT_MATCH_THRESHOLD,
  distance: (a: Float32Array, b: Float32Array) => number = cosineDistance,
): SamePersonResult {
  const embeddings = videos.map((v) => v.bestFrame?.embedding);
  const missing = embeddings.findIndex((e) => !e);
  if (missing >= 0) return { passed: false, maxDistance: NaN, threshold, reason: `video ${missing + 1} has no usable face` };
  let maxDistance = 0;
  let worst: [number, number] = [0, 0];
  for (let i = 0; i < embeddings.length; i++) {
    for (let j = i + 1; j < embeddings.length; j++) {
      const d = distance(embeddings[i] as Float32Array, embeddings[j] as Float32Array);
      if (d > maxDistance) [maxDistance, worst] = [d, [i + 1, j + 1]];
    }
  }
  maxDistance = Math.round(maxDistance * 10000) / 10000;
  const passed = maxDistance <= threshold;
  return passed
    ? { passed, maxDistance, threshold }
    : { passed, maxDistance, threshold, reason: `videos ${worst[0]} and ${worst[1]} seem to show different people (distance ${maxDistance})` };
}
