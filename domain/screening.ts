// Sanctions / PEP screening and duplicate checks as recorded on a profile. Imported by workflow
// code: no libraries here.

export const SCREENING_OUTCOMES = ['TRUE_MATCH', 'FALSE_POSITIVE'] as const;
export type ScreeningOutcome = (typeof SCREENING_OUTCOMES)[number];

/** A reviewer's resolution of one hit: who, what, why, when. */
export interface HitResolution {
  outcome: ScreeningOutcome;
  reviewerId: string;
  reason: string;
  at: string;
}

/** One list entry the person resembles, as the matcher explained it. List data only (public). */
export interface ScreeningHitRecord {
  /** Stable within the profile: the list entry it is about. */
  hitId: string;
  entryId: string;
  source: string;
  entryName: string;
  matchedAlias: string;
  score: number;
  reasons: string[];
  topics: string[];
  programs: string[];
  /** Found when the person was onboarded, or later by monitoring a new list version. */
  origin: 'ONBOARDING' | 'MONITORING';
  foundAt: string;
  resolution: HitResolution | null;
}

/** Another user's active or approved profile with the same document, or the same name and birth date. */
export interface DuplicateLink {
  profileId: string;
  userId: string;
  match: 'DOCUMENT' | 'NAME_AND_BIRTH_DATE';
}

export interface DuplicateCheck {
  duplicates: DuplicateLink[];
  /** The document is on the admins' blocklist. */
  blocked: { reason: string; addedBy: string; listedAt: string } | null;
}

export interface ScreeningState {
  /** Duplicate identities found at onboarding (absent before the check existed). */
  duplicates?: DuplicateLink[];
  blocked?: DuplicateCheck['blocked'];
  screenedAt: string | null;
  /** The newest list version the person was screened against. */
  listVersion: string | null;
  hits: ScreeningHitRecord[];
  /** Why screening could not run (no list loaded, no confirmed name): the case goes to review. */
  problem: string | null;
}

/** What the screening activity answers. */
export interface ScreeningResult {
  listVersion: string | null;
  hits: Array<Omit<ScreeningHitRecord, 'hitId' | 'origin' | 'foundAt' | 'resolution'>>;
  problem: string | null;
}

export const hitIdOf = (entryId: string): string => `hit_${entryId.replace(/[^\w.-]/g, '_')}`;
export const openHits = (state: ScreeningState | null | undefined): ScreeningHitRecord[] => state?.hits.filter((h) => !h.resolution) ?? [];

/** Why the profile cannot be approved yet because of screening, or null. */
export function screeningBlocksApproval(state: ScreeningState | null | undefined): string | null {
  const open = openHits(state).length;
  return open ? `resolve the ${open} open screening hit(s) first` : null;
}
