import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ESLint, type Linter } from 'eslint';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import tseslint from 'typescript-eslint';
import { ROOT } from '../../devstack/tools.js';

/**
 * The lint rules that keep workflow code deterministic, applied to made-up code at a workflow
 * path. Type information is switched off here (it takes a minute to load the whole project and
 * these rules do not need it); `npm run lint` runs the type-aware rules over the real code.
 */
// The project's own configuration (plain JavaScript, so loaded by path rather than typed import).
const { default: config } = (await import(pathToFileURL(resolve(ROOT, 'eslint.config.js')).href)) as { default: Linter.Config[] };

describe('lint: workflow code', () => {
  const eslint = new ESLint({ cwd: ROOT, overrideConfigFile: true, overrideConfig: [...config, tseslint.configs.disableTypeChecked] });
  const problems = async (code: string) => {
    const [result] = await eslint.lintText(code, { filePath: resolve(ROOT, 'workflows/lint-probe.ts') });
    return result!.messages.map((m) => `${m.ruleId}: ${m.message}`);
  };

  it('refuses Node built-ins, other packages, I/O modules and non-deterministic globals', async () => {
    const refused = [
      "import { readFileSync } from 'node:fs'; export const a = readFileSync;",
      "import { createHash } from 'crypto'; export const a = createHash;",
      "import { z } from 'zod'; export const a = z;",
      "import { saveKycProfile } from '../stores/kyc-profiles.store.js'; export const a = saveKycProfile;",
      "import { createDocumentReader } from '../vision/ocr/document-reader.js'; export const a = createDocumentReader;",
      'export const a = () => process.env.X;',
      "export const a = () => fetch('http://x');",
      'export const a = () => performance.now();',
      'export const a = () => crypto.randomUUID();',
      'export const a = () => setInterval(() => 1, 10);',
    ];
    for (const code of refused)
      assert.ok(
        (await problems(code)).some((p) => /no-restricted-(imports|globals)/.test(p)),
        code,
      );
  });

  it('allows the workflow SDK, domain code and the types of activities', async () => {
    const code = [
      "import { proxyActivities, sleep } from '@temporalio/workflow';",
      "import { ApplicationFailure } from '@temporalio/common';",
      "import { isFinalStage } from '../domain/kyc-stage.js';",
      "import type { ReadModelActivities } from '../activities/read-model.activities.js';",
      'export const a = proxyActivities<ReadModelActivities>({ startToCloseTimeout: 1 });',
      'export const b = [sleep, ApplicationFailure, isFinalStage, Math.random(), Date.now()];',
    ].join('\n');
    assert.deepEqual(await problems(code), []);
  });

  it('the rules hold for workflow code only', async () => {
    const [result] = await eslint.lintText("import { readFileSync } from 'node:fs'; export const a = () => [readFileSync, process.env.X];", {
      filePath: resolve(ROOT, 'activities/lint-probe.ts'),
    });
    assert.deepEqual(result!.messages, []);
  });
});
