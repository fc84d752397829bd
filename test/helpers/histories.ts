import proto from '@temporalio/proto';
import { existsSync, writeFileSync } from 'node:fs';

/**
 * `KYCFLOW_RECORD_HISTORIES=1 npm test -- test/workflows` writes replay fixtures that do not exist yet to test/histories/
 * (binary protobuf: @temporalio/common 1.24's JSON helpers fail on its own protobufjs copy).
 */
export async function recordHistory(name: string, history: Promise<proto.temporal.api.history.v1.IHistory>): Promise<void> {
  if (!process.env.KYCFLOW_RECORD_HISTORIES) return;
  const file = new URL(`../histories/${name}.binpb`, import.meta.url);
  if (existsSync(file)) return; // recorded histories are never overwritten: new behaviour, new name
  const bytes = proto.temporal.api.history.v1.History.encode(await history).finish();
  writeFileSync(file, bytes);
}
