// ROC arithmetic over scored face pairs (distance: lower = more alike).

export interface ScoredPair {
  same: boolean;
  distance: number;
  kind: 'photo' | 'document' | 'variant';
  variant?: string;
}

export function ratesAt(set: ScoredPair[], threshold: number): { tpr: number; fpr: number } {
  const same = set.filter((p) => p.same);
  const diff = set.filter((p) => !p.same);
  const tp = same.filter((p) => p.distance <= threshold).length;
  const fp = diff.filter((p) => p.distance <= threshold).length;
  return { tpr: same.length ? tp / same.length : NaN, fpr: diff.length ? fp / diff.length : NaN };
}

/**
 * The largest threshold whose false-accept rate stays at or below `fpr`: just under the first
 * different-person distance that would break it. With N different pairs, rates below 1/N cannot
 * be told apart from zero.
 */
export function thresholdAtFpr(set: ScoredPair[], fpr: number): number {
  const diff = set.filter((p) => !p.same).map((p) => p.distance).sort((a, b) => a - b);
  const allowed = Math.floor(fpr * diff.length + 1e-9);
  const breaking = diff[allowed];
  return breaking === undefined ? Infinity : breaking - 1e-6;
}

/** Equal-error rate: where the false-reject and false-accept rates cross. */
export function equalErrorRate(set: ScoredPair[]): { rate: number; threshold: number } {
  const thresholds = [...new Set(set.map((p) => p.distance))].sort((a, b) => a - b);
  let best = { rate: 1, threshold: 0, gap: Infinity };
  for (const t of thresholds) {
    const { tpr, fpr } = ratesAt(set, t);
    const gap = Math.abs(1 - tpr - fpr);
    if (gap < best.gap) best = { rate: (1 - tpr + fpr) / 2, threshold: t, gap };
  }
  return { rate: best.rate, threshold: best.threshold };
}

export interface RocSummary {
  eer: number;
  tprAt001: number;
  tprAt01: number;
  line: string;
}

/** TPR at the standard false-accept rates, EER, as one printable line. */
export function rocSummary(set: ScoredPair[]): RocSummary {
  const points = [0.001, 0.005, 0.01, 0.02, 0.05].map((f) => {
    const t = thresholdAtFpr(set, f);
    return { f, t, ...ratesAt(set, t) };
  });
  const eer = equalErrorRate(set);
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
  const line = `ROC: ${points.map((p) => `FPR ≤${pct(p.f)} → TPR ${pct(p.tpr)} (t ${p.t.toFixed(3)})`).join('; ')}; EER ${pct(eer.rate)} at ${eer.threshold.toFixed(3)}`;
  return { eer: eer.rate, tprAt001: points[0]!.tpr, tprAt01: points[2]!.tpr, line };
}
