// Sanctions / PEP screening and duplicate checks as recorded on a profile. Imported by workflow
// code: no libraries here.

/**
 * Workflow patch: the face match stores the profile's descriptors (sealed) and screening searches
 * them against other users' and the face blocklist. Histories before it do neither.
 */
export const DUPLICATE_FACES_PATCH = 'duplicate-faces';

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

/** Another user's active or approved profile with the same document, name and birth date, or face. */
export interface DuplicateLink {
  profileId: string;
  userId: string;
  match: 'DOCUMENT' | 'NAME_AND_BIRTH_DATE' | 'FACE';
  /** FACE: the nearest descriptor distance, in the face model's metric (within its match band). */
  distance?: number;
}

export interface DuplicateCheck {
  duplicates: DuplicateLink[];
  /** The document (or, for the face check, the face) is on the admins' blocklist. */
  blocked: { reason: string; addedBy: string; listedAt: string } | null;
}

export interface ScreeningState {
  /** Duplicate identities found at onboarding (absent before the check existed). */
  duplicates?: DuplicateLink[];
  blocked?: DuplicateCheck['blocked'];
  /** The face is on the blocklist (DUPLICATE_FACES_PATCH). */
  blockedFace?: DuplicateCheck['blocked'];
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

/** A review reason naming the other profile. */
export function duplicateReason(d: DuplicateLink): string {
  const what = d.match === 'DOCUMENT' ? 'the same document' : d.match === 'FACE' ? `the same face (distance ${d.distance})` : 'the same name and birth date';
  return `duplicate identity: ${what} as profile ${d.profileId} of user ${d.userId}`;
}

export const hitIdOf = (entryId: string): string => `hit_${entryId.replace(/[^\w.-]/g, '_')}`;
export const openHits = (state: ScreeningState | null | undefined): ScreeningHitRecord[] => state?.hits.filter((h) => !h.resolution) ?? [];

/** Why the profile cannot be approved yet because of screening, or null. */
export function screeningBlocksApproval(state: ScreeningState | null | undefined): string | null {
  const open = openHits(state).length;
  return open ? `resolve the ${open} open screening hit(s) first` : null;
}
