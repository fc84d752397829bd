// ROC of face matching over the labelled face fixtures: every same-person and different-person
// pair of single-face photos, plus document portrait ↔ face photo pairs. `npm run bench:face`.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { createFaceAnalyzer, cosineDistance, DEFAULT_MATCH_THRESHOLD, embedLargestFace } from '../vision/face/index.js';
import { FIXTURES_MISSING, labelledFaces, portraitDocuments } from '../test/unit/face/face-fixtures.js';

interface Pair {
  same: boolean;
  distance: number;
  kind: 'photo' | 'document';
}

if (FIXTURES_MISSING) {
  console.log(`skipped: ${FIXTURES_MISSING}`);
  process.exit(0);
}

const analyzer = await createFaceAnalyzer();
const started = Date.now();
const faces = [];
for (const f of labelledFaces()) {
  const embedded = await embedLargestFace(analyzer, await readFile(f.path));
  if (embedded) faces.push({ ...f, embedding: embedded.embedding });
  else console.log(`no face found: ${basename(f.path)}`);
}
const docs = [];
for (const d of portraitDocuments()) {
  const embedded = await embedLargestFace(analyzer, await readFile(d.path));
  if (embedded) docs.push({ ...d, embedding: embedded.embedding });
  else console.log(`no portrait found: ${basename(d.path)}`);
}
const perImageMs = (Date.now() - started) / (faces.length + docs.length);

const pairs: Pair[] = [];
for (let i = 0; i < faces.length; i++) {
  for (let j = i + 1; j < faces.length; j++) {
    const a = faces[i]!;
    const b = faces[j]!;
    pairs.push({ same: a.identity === b.identity, distance: cosineDistance(a.embedding, b.embedding), kind: 'photo' });
  }
}
for (const d of docs) {
  for (const f of faces) {
    pairs.push({ same: d.portraitIdentity === f.identity, distance: cosineDistance(d.embedding, f.embedding), kind: 'document' });
  }
}

function rates(set: Pair[], threshold: number): { tpr: number; fpr: number } {
  const same = set.filter((p) => p.same);
  const diff = set.filter((p) => !p.same);
  const tp = same.filter((p) => p.distance <= threshold).length;
  const fp = diff.filter((p) => p.distance <= threshold).length;
  return { tpr: same.length ? tp / same.length : NaN, fpr: diff.length ? fp / diff.length : NaN };
}

const count = (set: Pair[]) => `${set.filter((p) => p.same).length} same / ${set.filter((p) => !p.same).length} different`;
const photo = pairs.filter((p) => p.kind === 'photo');
const document = pairs.filter((p) => p.kind === 'document');
console.log(`embedded ${faces.length} faces + ${docs.length} document portraits, ${perImageMs.toFixed(0)} ms per image (detect + crop + describe)`);
console.log(`pairs: photos ${count(photo)}; document↔photo ${count(document)}`);
console.log('threshold   photo TPR  photo FPR   doc TPR   doc FPR');
for (let t = 0.2; t <= 0.801; t += 0.025) {
  const p = rates(photo, t);
  const d = rates(document, t);
  const mark = Math.abs(t - DEFAULT_MATCH_THRESHOLD) < 1e-9 ? '  <- default' : '';
  console.log(`${t.toFixed(3).padStart(9)} ${fmt(p.tpr)} ${fmt(p.fpr)} ${fmt(d.tpr)} ${fmt(d.fpr)}${mark}`);
}
const eer = equalErrorThreshold(photo);
console.log(`photo pairs: equal-error threshold ≈ ${eer.toFixed(3)}; default threshold ${DEFAULT_MATCH_THRESHOLD}`);
const dist = (set: Pair[], same: boolean) => set.filter((p) => p.same === same).map((p) => p.distance).sort((a, b) => a - b);
console.log(`document pairs: same-person distances ${dist(document, true).map((x) => x.toFixed(3)).join(', ')}; closest different ${dist(document, false)[0]?.toFixed(3)}`);
await analyzer.close();

function equalErrorThreshold(set: Pair[]): number {
  let best = { t: 0, gap: Infinity };
  for (let t = 0; t <= 1.5; t += 0.005) {
    const r = rates(set, t);
    const gap = Math.abs(1 - r.tpr - r.fpr);
    if (gap < best.gap) best = { t, gap };
  }
  return best.t;
}

function fmt(x: number): string {
  return (Number.isNaN(x) ? '-' : (x * 100).toFixed(1) + '%').padStart(10);
}
