import type proto from '@temporalio/proto';

/**
 * True when a history holds a payload sealed with a master key directly (from before data keys, or
 * a payload encoded without a workflow context). Destroying the workflow's data key does not make
 * those unreadable, so erasure deletes such a history instead.
 */
export function holdsMasterSealedPayloads(history: proto.temporal.api.history.v1.IHistory): boolean {
  const pending: unknown[] = [...(history.events ?? [])];
  while (pending.length) {
    const node = pending.pop();
    if (!node || typeof node !== 'object' || ArrayBuffer.isView(node)) continue;
    const metadata = (node as { metadata?: Record<string, unknown> }).metadata;
    if (metadata && typeof metadata === 'object' && 'encryption-key-id' in metadata) return true;
    pending.push(...Object.values(node));
  }
  return false;
}
