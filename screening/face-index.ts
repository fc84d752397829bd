/**
 * Exact nearest-face search over stored descriptors, for duplicate-identity checks. Descriptors are
 * packed in one Float32Array (L2-normalised once for cosine models), so a search is one pass of
 * multiply-adds: ~100k × 128 for the shipped dlib descriptor, tens of milliseconds
 * (`npm run bench:screening`). Only descriptors of the same model are comparable: one index per
 * model id, in that model's own metric (dlib's ResNet-34: Euclidean on the raw 128 floats).
 */
export type FaceMetric = 'cosine' | 'euclidean';

export interface FaceMatch {
  key: string;
  distance: number;
}

export class FaceIndex {
  private data: Float32Array;
  private readonly keys: string[] = [];

  constructor(readonly modelId: string, readonly dims: number, readonly metric: FaceMetric = 'cosine', capacity = 1_024) {
    this.data = new Float32Array(capacity * dims);
  }

  get size(): number {
    return this.keys.length;
  }

  add(key: string, descriptor: ArrayLike<number>): void {
    if (descriptor.length !== this.dims) throw new Error(`descriptor has ${descriptor.length} values, model ${this.modelId} has ${this.dims}`);
    if ((this.keys.length + 1) * this.dims > this.data.length) {
      const grown = new Float32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data.set(this.prepared(descriptor), this.keys.length * this.dims);
    this.keys.push(key);
  }

  /** Every stored face within `maxDistance` (in the model's metric; 0 = identical), nearest first. */
  search(descriptor: ArrayLike<number>, maxDistance: number, limit = 10): FaceMatch[] {
    if (descriptor.length !== this.dims) throw new Error(`descriptor has ${descriptor.length} values, model ${this.modelId} has ${this.dims}`);
    const q = this.prepared(descriptor);
    const found = this.metric === 'cosine' ? this.scanCosine(q, maxDistance) : this.scanEuclidean(q, maxDistance);
    return found.sort((a, b) => a.distance - b.distance).slice(0, limit);
  }

  private prepared(descriptor: ArrayLike<number>): Float32Array {
    const out = Float32Array.from(descriptor);
    if (this.metric === 'euclidean') return out;
    let norm = 0;
    for (const x of out) norm += x * x;
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let i = 0; i < out.length; i++) out[i] = out[i]! * scale;
    return out;
  }

  private scanCosine(q: Float32Array, maxDistance: number): FaceMatch[] {
    const minDot = 1 - maxDistance;
    const found: FaceMatch[] = [];
    const { data, dims } = this;
    for (let r = 0, row = 0; r < this.keys.length; r++, row += dims) {
      let dot = 0;
      let i = 0;
      for (; i + 3 < dims; i += 4) dot += data[row + i]! * q[i]! + data[row + i + 1]! * q[i + 1]! + data[row + i + 2]! * q[i + 2]! + data[row + i + 3]! * q[i + 3]!;
      for (; i < dims; i++) dot += data[row + i]! * q[i]!;
      if (dot >= minDot) found.push({ key: this.keys[r]!, distance: 1 - dot });
    }
    return found;
  }

  private scanEuclidean(q: Float32Array, maxDistance: number): FaceMatch[] {
    const max2 = maxDistance * maxDistance;
    const found: FaceMatch[] = [];
    const { data, dims } = this;
    for (let r = 0, row = 0; r < this.keys.length; r++, row += dims) {
      let sum = 0;
      let i = 0;
      for (; i + 3 < dims; i += 4) {
        const a = data[row + i]! - q[i]!;
        const b = data[row + i + 1]! - q[i + 1]!;
        const c = data[row + i + 2]! - q[i + 2]!;
        const d = data[row + i + 3]! - q[i + 3]!;
        sum += a * a + b * b + c * c + d * d;
      }
      for (; i < dims; i++) sum += (data[row + i]! - q[i]!) ** 2;
      if (sum <= max2) found.push({ key: this.keys[r]!, distance: Math.sqrt(sum) });
    }
    return found;
  }
}
