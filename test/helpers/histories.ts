import proto from '@temporalio/proto';
import { writeFileSync } from 'node:fs';

/**
 * `KYCFLOW_RECORD_HISTORIES=1 npm test -- test/workflows` writes replay fixtures to test/histories/
 * (binary protobuf: @temporalio/common 1.24's JSON helpers fail on its own protobufjs copy).
 */
export async function recordHistory(name: string, history: Promise<proto.temporal.api.history.v1.IHistory>): Promise<void> {
  if (!process.env.KYCFLOW_RECORD_HISTORIES) return;
  const bytes = proto.temporal.api.history.v1.History.encode(await history).finish();
  writeFileSync(new URL(`../histories/${name}.binpb`, import.meta.url), bytes);
}
