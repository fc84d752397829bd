// Where the shared real-data fixtures are: `<repo>/../shared/fixtures` beside a clone, or
// KYCFLOW_FIXTURES_DIR (e.g. from a git worktree). A user's clone has none: callers skip, saying why.
// KYCFLOW_SHARED_FIXTURES is the older name of the same setting, still read.
import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export const FIXTURES_DIR = process.env.KYCFLOW_FIXTURES_DIR ?? process.env.KYCFLOW_SHARED_FIXTURES ?? resolve(REPO, '../shared/fixtures');
