/**
 * `npm run train:mrz [-- --steps 4500] [--scratch --steps 2400 --stop-after 1500] [--resume-from X]`:
 * trains the MRZ line recognizer on synthetic lines and writes vision/ocr/model/mrz-ctc.{json,bin}.
 * The defaults make the committed model: the first training's step-1500 export (kept in
 * training/mrz/base/; its own data cannot be redrawn, see README) trained on to step 4500 of a
 * 4500-step schedule. `--scratch` trains from random weights instead. A float32 checkpoint
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
const given = process.argv.slice(2);
const scratch = given.includes('--scratch');
const defaults = [
  '--out', path.join(root, 'vision', 'ocr', 'model'), '--checkpoint', path.join(tools, 'mrz-ctc.pt'),
  ...(scratch || given.includes('--resume-from') ? [] : ['--resume-from', path.join(here, 'base'), '--steps', '4500']),
];
// Later options win (argparse), so anything given overrides a default.
const args = ['-n', '10', python, path.join(here, 'train.py'), ...defaults, ...given.filter((a) => a !== '--scratch')];
// One thread: on a busy machine, two OpenMP threads spend their time waiting for each other.
const run = spawnSync('nice', args, { cwd: here, stdio: 'inherit', env: { ...process.env, OMP_NUM_THREADS: '1' } });
console.log(`train:mrz took ${((Date.now() - started) / 60_000).toFixed(1)} min`);
process.exit(run.status ?? 1);
