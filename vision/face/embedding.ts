/** How a model's descriptors are compared (descriptor-models.ts says which model uses which). */
export type DescriptorMetric = 'cosine' | 'euclidean';

export function descriptorDistance(metric: DescriptorMetric, a: Float32Array, b: Float32Array): number {
  return metric === 'cosine' ? cosineDistance(a, b) : euclideanDistance(a, b);
}

export function euclideanDistance(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length || a.length === 0) throw new Error('descriptors of different or zero length');
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i]! - b[i]!) ** 2;
  return Math.sqrt(sum);
}

/**
 * Face descriptors are compared by cosine distance of unit vectors (0 same direction, 2 opposite).
 * The default thresholds below come from `npm run bench:face` over the identity-labelled face
 * fixtures (see bench/face.bench.ts for the ROC table).
 */
export function cosineDistance(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length || a.length === 0) throw new Error('descriptors of different or zero length');
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return 1 - dot / Math.sqrt(na * nb);
}

/** Maps a distance to 0..1 for display: 1 identical, 0.5 at `threshold`, 0 at twice the threshold or beyond. */
export function similarityFromDistance(distance: number, threshold: number): number {
  const s = 1 - distance / (2 * threshold);
  return Math.round(Math.min(1, Math.max(0, s)) * 1000) / 1000;
}
