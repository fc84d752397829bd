// Sanctions and PEP screening: list formats, name matching, the in-memory index. No Temporal here.
export type { ListEntry, ListSource, ScreeningHit, ScreeningSubject } from './entry.js';
export { ScreeningIndex, NAME_FLOOR, type ScreenOptions } from './screening-index.js';

/** Hits score at least this by default (chosen on the generated tuning set; `npm run bench:screening`). */
export const DEFAULT_HIT_THRESHOLD = 0.94;
