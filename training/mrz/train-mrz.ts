/**
 * `npm run train:mrz [-- --steps 2400 --stop-after 1500]`: trains the MRZ line recognizer from
 * scratch on synthetic lines and writes vision/ocr/model/mrz-ctc.{json,bin}. The defaults make
 * the committed model: step 1500 of a 2400-step schedule (where the first training on this shared
 * machine had to stop; a full schedule is `-- --stop-after 0`). Python and PyTorch (CPU) go
 * into a virtualenv under the tools folder (pinned in requirements.txt); nothing here is needed
 * by CI or at run time. Runs at low priority (nice 10): the machine is shared.
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
const defaults = given.includes('--stop-after') ? [] : ['--stop-after', '1500'];
const args = ['-n', '10', python, path.join(here, 'train.py'), '--out', path.join(root, 'vision', 'ocr', 'model'), ...defaults, ...given];
// One thread: on a busy machine, two OpenMP threads spend their time waiting for each other.
const run = spawnSync('nice', args, { cwd: here, stdio: 'inherit', env: { ...process.env, OMP_NUM_THREADS: '1' } });
console.log(`train:mrz took ${((Date.now() - started) / 60_000).toFixed(1)} min`);
process.exit(run.status ?? 1);
