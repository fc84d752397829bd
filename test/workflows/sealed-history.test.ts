import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import proto from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { readFileSync } from 'node:fs';
import { encryptingDataConverter, payloadCodecFor } from '../../codec/payload-codec.js';
import { loadConfig } from '../../config/config.js';
import { useTestDatabase } from '../helpers/test-database.js';

/**
 * A real profile history recorded by the API and worker before data keys existed: every payload is
 * sealed with the development master key `dev1` directly. It must stay readable and replayable.
 */
const HISTORY = new URL('../histories/sealed/kyc-profile.document-submitted.dev1.binpb', import.meta.url);
const bundlePath = process.env.KYCFLOW_WORKFLOW_BUNDLE;
const devKeys = loadConfig({ NODE_ENV: 'development' }).PAYLOAD_ENCRYPTION_KEYS;

describe('histories sealed with a master key (before data keys)', { skip: !bundlePath && 'KYCFLOW_WORKFLOW_BUNDLE is unset: run through `npm test`', timeout: 60_000 }, () => {
  const mongo = useTestDatabase('sealed');
  const history = proto.temporal.api.history.v1.History.decode(readFileSync(HISTORY));

  it('decode with the data-key codec', async () => {
    const payloads = (history.events ?? []).flatMap((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.args?.payloads ?? []);
    assert.ok(payloads.length > 0);
    const raw = Buffer.from(proto.temporal.api.history.v1.History.encode(history).finish());
    assert.ok(!raw.includes('Alex Tan'), 'the recorded history is sealed');
    const decoded = await payloadCodecFor(devKeys, mongo.db).decode(payloads);
    assert.match(decoded.map((p) => Buffer.from(p.data ?? []).toString()).join('\n'), /Alex Tan/);
  });

  it('replay against today\'s workflow code through the codec', async () => {
    await Worker.runReplayHistory(
      { workflowBundle: { code: readFileSync(bundlePath!, 'utf8') }, dataConverter: encryptingDataConverter(devKeys, mongo.db) },
      history,
      'kyc-profile.document-submitted.dev1',
    );
  });
});
