// `npm run bench:screening [-- --entries 50000]`: matching quality on generated evaluation sets,
// screening speed against a generated list, and the monitoring re-screen of customers against a
// list delta. Every figure beside a baseline measured in the same run.
import { parseArgs } from 'node:util';
import { DEFAULT_HIT_THRESHOLD, ScreeningIndex, type ScreeningSubject } from '../screening/index.js';
import { compareNames } from '../screening/similarity.js';
import { toTokens } from '../screening/names.js';
import { evaluationSet, fictionalPeople, VARIANTS, type EvaluationCase } from '../screening/synthetic/evaluation-set.js';
import { randomBirthDate } from '../screening/synthetic/fictional-list.js';
import { seededRandom } from '../screening/synthetic/random.js';
import { FaceIndex } from '../screening/face-index.js';

const { values } = parseArgs({ options: { entries: { type: 'string', default: '50000' }, customers: { type: 'string', default: '100000' } } });
const ENTRIES = Number(values.entries);
const CUSTOMERS = Number(values.customers);
const threshold = DEFAULT_HIT_THRESHOLD;

const pct = (a: number, n: number) => `${((100 * a) / Math.max(1, n)).toFixed(1)} %`;
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;
const ms = (x: number) => `${x.toFixed(2)} ms`;

console.log(`generating ${ENTRIES} fictional listed people…`);
const people = fictionalPeople(ENTRIES, 1);
let t = performance.now();
const index = new ScreeningIndex();
for (const p of people) index.add(p.entry);
const buildMs = performance.now() - t;
const heapMb = process.memoryUsage().heapUsed / 1_048_576;
console.log(`index built in ${(buildMs / 1000).toFixed(1)} s (heap ${heapMb.toFixed(0)} MB with the generated list itself)\n`);

// --- quality
function quality(name: string, cases: EvaluationCase[], at: number) {
  const rows = new Map<string, { ok: number; n: number }>();
  for (const c of cases) {
    const hits = index.screen(c.subject, { threshold: at });
    const ok = c.expected ? hits.some((h) => h.entryId === c.expected) : hits.length === 0;
    const row = rows.get(c.kind) ?? { ok: 0, n: 0 };
    row.ok += ok ? 1 : 0;
    row.n++;
    rows.set(c.kind, row);
  }
  const listed = VARIANTS.map((v) => rows.get(v)!);
  const recall = listed.reduce((a, r) => a + r.ok, 0) / listed.reduce((a, r) => a + r.n, 0);
  const common = rows.get('common name, not listed')!;
  const namesake = rows.get('namesake, other birth date') ?? { ok: 0, n: 0 };
  return { name, rows, recall, falseHits: (common.n - common.ok) / common.n, common, namesake };
}

const tuning = evaluationSet(people, 300, 3_000, 2);
const evaluation = evaluationSet(people, 300, 3_000, 3);
const results = [quality('tuning (seed 2)', tuning, threshold), quality('evaluation (seed 3)', evaluation, threshold)];
console.log(`## Matching quality at threshold ${threshold} (${ENTRIES} listed; 300 listed people per variant, 3,000 common names per set)\n`);
console.log(`| set | ${VARIANTS.join(' | ')} | recall | false hits, common names | namesakes hit (other birth date) |`);
console.log(`|---|${VARIANTS.map(() => '---').join('|')}|---|---|---|`);
for (const r of results) {
  console.log(`| ${r.name} | ${VARIANTS.map((v) => pct(r.rows.get(v)!.ok, r.rows.get(v)!.n)).join(' | ')} | **${(100 * r.recall).toFixed(1)} %** | **${(100 * r.falseHits).toFixed(2)} %** (${r.common.n - r.common.ok} of ${r.common.n}) | ${pct(r.namesake.n - r.namesake.ok, r.namesake.n)} of ${r.namesake.n} |`);
}
console.log('\nthreshold sweep on the evaluation set:\n\n| threshold | recall | false hits, common names |\n|---|---|---|');
for (const at of [0.88, 0.9, 0.92, 0.94, 0.96]) {
  const r = quality('', evaluation, at);
  console.log(`| ${at} | ${(100 * r.recall).toFixed(1)} % | ${(100 * r.falseHits).toFixed(2)} % |`);
}

// --- speed: the index against comparing every alias (the exhaustive baseline)
const queries = [...tuning, ...evaluation].map((c) => c.subject);
function timeScreenings(subjects: ScreeningSubject[], screen: (s: ScreeningSubject) => unknown) {
  const lat: number[] = [];
  const start = performance.now();
  for (const s of subjects) {
    const t0 = performance.now();
    screen(s);
    lat.push(performance.now() - t0);
  }
  const total = performance.now() - start;
  return { perSecond: (subjects.length / total) * 1000, p50: quantile(lat, 0.5), p99: quantile(lat, 0.99) };
}
for (const s of queries.slice(0, 500)) index.screen(s, { threshold }); // warm-up
const indexed = timeScreenings(queries, (s) => index.screen(s, { threshold }));
const allAliases = people.flatMap((p) => p.entry.names.map((n) => toTokens(n)));
const exhaustive = timeScreenings(queries.slice(0, 60), (s) => {
  const q = toTokens(s.name);
  for (const a of allAliases) compareNames(q, a);
});
console.log(`\n## Speed (one thread, ${ENTRIES} listed)\n\n| method | screenings/s | p50 | p99 |\n|---|---|---|---|`);
console.log(`| index (retrieval + full comparison of ≤ 64 candidates), ${queries.length} screenings | **${indexed.perSecond.toFixed(0)}** | ${ms(indexed.p50)} | **${ms(indexed.p99)}** |`);
console.log(`| baseline: compare with every alias, 60 screenings | ${exhaustive.perSecond.toFixed(1)} | ${ms(exhaustive.p50)} | ${ms(exhaustive.p99)} |`);

// --- monitoring: approved customers against a list delta
const delta = fictionalPeople(500, 7);
const random = seededRandom(8);
const customers: ScreeningSubject[] = fictionalPeople(CUSTOMERS, 9).map((p) => ({ name: [p.given, p.middle, p.surname].filter(Boolean).join(' '), birthDate: randomBirthDate(random), nationality: p.nationality }));
t = performance.now();
const deltaIndex = new ScreeningIndex();
for (const p of delta) deltaIndex.add(p.entry);
let alerts = 0;
for (const c of customers) alerts += deltaIndex.screen(c, { threshold }).length ? 1 : 0;
const deltaMs = performance.now() - t;
t = performance.now();
const sample = customers.slice(0, 2_000);
for (const c of sample) index.screen(c, { threshold });
const fullListMs = ((performance.now() - t) / sample.length) * customers.length;
console.log(`\n## Monitoring re-screen (matching only; one thread)\n\n| method | ${CUSTOMERS} customers | alerts |\n|---|---|---|`);
console.log(`| against the delta (500 new or changed entries) | **${(deltaMs / 1000).toFixed(1)} s** | ${alerts} |`);
console.log(`| baseline: against the whole list (${ENTRIES}), extrapolated from 2,000 | ${(fullListMs / 1000).toFixed(1)} s | – |`);

// --- duplicate faces: exact search over stored descriptors, in each model's own metric
const FACES = 100_000;
console.log(`\n## Duplicate-face search (exact, ${FACES} stored descriptors)\n\n| descriptor | index build | search p50 | search p99 | baseline: descriptors as number arrays, p50 |\n|---|---|---|---|---|`);
// The shipped dlib ResNet-34 (128 raw floats of about ±0.1, Euclidean, match band 0.55) and faceres (1,024, cosine, 0.398).
const FACE_MODELS = [
  { label: '128 floats, Euclidean (dlib ResNet-34, shipped)', dims: 128, metric: 'euclidean', band: 0.55, scale: 0.09 },
  { label: '1,024 floats, cosine (faceres)', dims: 1024, metric: 'cosine', band: 0.398, scale: 1 },
] as const;
for (const { label, dims, metric, band, scale } of FACE_MODELS) {
  const r = seededRandom(dims);
  const vector = () => Array.from({ length: dims }, () => (r() * 2 - 1) * scale);
  const faceIndex = new FaceIndex(`bench-${dims}`, dims, metric, FACES);
  const plain: number[][] = [];
  t = performance.now();
  for (let i = 0; i < FACES; i++) {
    const v = vector();
    faceIndex.add(`p${i}`, v);
    if (i < 20_000) plain.push(v);
  }
  const build = performance.now() - t;
  const lat: number[] = [];
  for (let q = 0; q < 40; q++) {
    const probe = vector();
    const t0 = performance.now();
    faceIndex.search(probe, band);
    lat.push(performance.now() - t0);
  }
  // Baseline: the obvious loop over number[] rows with the distance per row (20k rows, scaled to 100k).
  const base: number[] = [];
  for (let q = 0; q < 5; q++) {
    const probe = vector();
    const t0 = performance.now();
    let near = 0; // read below, so the loop is not optimised away
    for (const row of plain) {
      let dot = 0, a = 0, b = 0, d2 = 0;
      for (let i = 0; i < dims; i++) { dot += row[i]! * probe[i]!; a += row[i]! ** 2; b += probe[i]! ** 2; d2 += (row[i]! - probe[i]!) ** 2; }
      if ((metric === 'cosine' ? 1 - dot / Math.sqrt(a * b) : Math.sqrt(d2)) < band) near++;
    }
    base.push(((performance.now() - t0) * FACES) / plain.length);
    if (near > plain.length) throw new Error('unreachable');
  }
  console.log(`| ${label} | ${(build / 1000).toFixed(1)} s | **${ms(quantile(lat, 0.5))}** | **${ms(quantile(lat, 0.99))}** | ${ms(quantile(base, 0.5))} |`);
}
