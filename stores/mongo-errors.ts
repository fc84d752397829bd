/** MongoDB's duplicate-key error: an insert or upsert lost a race on a unique key. */
export const isDuplicateKey = (err: unknown): boolean =>
  typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 11000;
