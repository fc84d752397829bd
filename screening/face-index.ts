/**
 * Exact nearest-face search over stored descriptors (cosine distance), for duplicate-identity
 * checks. Descriptors are L2-normalised once and packed in one Float32Array, so a search is one
 * pass of dot products: ~100k × 1024 multiply-adds, tens of milliseconds (`npm run bench:screening`).
 * Only descriptors of the same model are comparable: one index per model id.
 */
export interface FaceMatch {
  key: string;
  distance: number;
}

export class FaceIndex {
  private data: Float32Array;
  private readonly keys: string[] = [];

  constructor(readonly modelId: string, readonly dims: number, capacity = 1_024) {
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
    const row = this.keys.length * this.dims;
    let norm = 0;
    for (let i = 0; i < this.dims; i++) norm += descriptor[i]! * descriptor[i]!;
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let i = 0; i < this.dims; i++) this.data[row + i] = descriptor[i]! * scale;
    this.keys.push(key);
  }

  /** Every stored face within `maxDistance` (cosine distance, 0 = same direction), nearest first. */
  search(descriptor: ArrayLike<number>, maxDistance: number, limit = 10): FaceMatch[] {
    const q = new Float32Array(this.dims);
    let norm = 0;
    for (let i = 0; i < this.dims; i++) norm += descriptor[i]! * descriptor[i]!;
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let i = 0; i < this.dims; i++) q[i] = descriptor[i]! * scale;
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
    return found.sort((a, b) => a.distance - b.distance).slice(0, limit);
  }
}
