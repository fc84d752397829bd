/** Small numeric helpers for per-frame measurement series. */

export function median(values: number[]): number {
  return quantile(values, 0.5);
}

/** Linear-interpolated quantile, q in 0..1; NaN for an empty list. */
export function quantile(values: number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const a = sorted[lo] ?? NaN;
  const b = sorted[Math.min(lo + 1, sorted.length - 1)] ?? a;
  return a + (b - a) * (pos - lo);
}

/** 0 at or below `lo`, 1 at or above `hi`, linear between. */
export function ramp(x: number, lo: number, hi: number): number {
  if (!(hi > lo)) return x >= hi ? 1 : 0;
  return Math.min(1, Math.max(0, (x - lo) / (hi - lo)));
}

/** Index of the largest value (first on ties); -1 for an empty list. */
export function argMax(values: number[]): number {
  let best = -1;
  for (let i = 0; i < values.length; i++) {
    if (best < 0 || (values[i] ?? -Infinity) > (values[best] ?? -Infinity)) best = i;
  }
  return best;
}
