/**
 * `npm run train:mrz [-- --scratch --steps 2400 --stop-after 1500] [--resume-from X --steps N]`:
 * trains the MRZ line recognizer on synthetic lines and writes vision/ocr/model/mrz-ctc.{json,bin}.
 * The defaults make the committed model in two runs: the first training's step-1500 export (kept
 * in training/mrz/base/; its own data cannot be redrawn, see README) trained on to step 4500 of a
 * 4500-step schedule, then that export on to step 20000 of a 20000-step schedule. `--scratch`
 * trains from random weights instead; `--resume-from X` or `--steps N` runs once (from X, or the base). A float32 checkpoint
 * (weights and optimizer) is kept at every export under the tools folder, so a cut run goes on with
 * `-- --resume-from .tools/mrz-ctc.pt`. Python and PyTorch (CPU) go into a virtualenv there
 * (pinned in requirements.txt); nothing here is needed by CI or at run time. Runs at low priority
 * (nice 10): the machine is shared.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const tools = path.resolve(root, process.env.KYCFLOW_TRAIN_TOOLS_DIR ?? '.tools');
const venv = path.join(tools, 'train-venv');
const python = path.join(venv, 'bin', 'python');

if (!existsSync(python)) {
  console.log(`creating ${venv}`);
  execFileSync('python3', ['-m', 'venv', venv], { stdio: 'inherit' });
}
execFileSync(python, ['-m', 'pip', 'install', '-q', '-r', path.join(here, 'requirements.txt')], { stdio: 'inherit' });

const started = Date.now();
// Paths are given from where npm runs (the repository root); train.py runs in training/mrz.
const PATH_OPTIONS = new Set(['--resume-from', '--out', '--checkpoint']);
const given = process.argv.slice(2).map((a, i, all) => (PATH_OPTIONS.has(all[i - 1] ?? '') ? path.resolve(a) : a));
const scratch = given.includes('--scratch');
const out = ['--out', path.join(root, 'vision', 'ocr', 'model'), '--checkpoint', path.join(tools, 'mrz-ctc.pt')];
// The committed model's two runs (README): the base trained on to step 4500 of a 4500-step
// schedule, then that export on to step 20000 of a 20000-step one.
const stage1 = path.join(tools, 'mrz-stage-4500');
const stages: string[][] =
  scratch || given.includes('--resume-from') || given.includes('--steps')
    ? [[...out, ...(scratch || given.includes('--resume-from') ? [] : ['--resume-from', path.join(here, 'base')]), ...given.filter((a) => a !== '--scratch')]]
    : [
        [...out, '--out', stage1, '--resume-from', path.join(here, 'base'), '--steps', '4500', ...given],
        [...out, '--resume-from', stage1, '--steps', '20000', ...given],
      ];
let status = 0;
for (const stage of stages) {
  // Later options win (argparse), so anything given overrides a default.
  // One thread: on a busy machine, two OpenMP threads spend their time waiting for each other.
  const run = spawnSync('nice', ['-n', '10', python, path.join(here, 'train.py'), ...stage], { cwd: here, stdio: 'inherit', env: { ...process.env, OMP_NUM_THREADS: '1' } });
  status = run.status ?? 1;
  if (status !== 0) break;
}
console.log(`train:mrz took ${((Date.now() - started) / 60_000).toFixed(1)} min`);
process.exit(status);
