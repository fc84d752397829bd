import { notFound } from './http-error.js';
import type { AuthClaims } from './plugins/auth.js';

/** The one ownership rule: users see their own records, admins every record. */
export const isVisibleTo = (record: { userId: string }, viewer: AuthClaims): boolean =>
  record.userId === viewer.sub || viewer.role === 'admin';

/**
 * Applies the rule to a record read by its key (a single indexed lookup); anyone else is told the
 * record does not exist (404, so ids cannot be probed).
 */
export function ownedBy<T extends { userId: string }>(record: T | null, viewer: AuthClaims, what: string): T {
  if (!record || !isVisibleTo(record, viewer)) throw notFound(what);
  return record;
}
