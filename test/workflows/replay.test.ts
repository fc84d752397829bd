import { describe, it } from 'node:test';
import proto from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { readdirSync, readFileSync } from 'node:fs';

/**
 * Every recorded history must replay against today's workflow code: a change that would break
 * running workflows (non-determinism) fails here. Record new histories when behaviour is added;
 * never edit or delete old ones while such workflows may still run.
 */
const dir = new URL('../histories/', import.meta.url);
const histories = readdirSync(dir).filter((file) => file.endsWith('.binpb'));
const bundlePath = process.env.KYCFLOW_WORKFLOW_BUNDLE;

describe('replay of recorded workflow histories', { skip: !bundlePath && 'KYCFLOW_WORKFLOW_BUNDLE is unset: run through `npm test`' }, () => {
  it('has histories to replay', () => {
    if (histories.length === 0) throw new Error('test/histories/ holds no histories');
  });
  for (const file of histories) {
    it(`replays ${file}`, async () => {
      const history = proto.temporal.api.history.v1.History.decode(readFileSync(new URL(file, dir)));
      await Worker.runReplayHistory({ workflowBundle: { code: readFileSync(bundlePath!, 'utf8') } }, history, file);
    });
  }
});
