import type { Db } from 'mongodb';
import { DECIDED_STAGES, UNSUCCESSFUL_STAGES, type ErasureScope, type RetentionCategory, type RetentionCutoffs } from '../domain/data-protection.js';
import { profilesEndedBefore } from '../stores/kyc-profiles.store.js';
import { legalHoldOfUser } from './legal-hold.js';


export interface RetentionCandidateQuery {
  category: RetentionCategory;
  cutoffs: RetentionCutoffs;
  approvedYears: number;
  /** The sweep's own time (workflow time), so a replayed or time-skipped sweep agrees. */
  nowMs: number;
  /** The last profile id of the previous page. */
  after: string | null;
  limit: number;
}

export interface RetentionCandidate {
  scope: ErasureScope;
  userId: string;
  profileId: string | null;
}

export interface RetentionCandidatePage {
  items: RetentionCandidate[];
  /** Approved customers whose later activity keeps them under legal hold. */
  held: number;
  /** Where the next page starts; null after the last. */
  next: string | null;
}

const SCOPE: Record<RetentionCategory, ErasureScope> = { unsuccessful: 'profile', approved: 'user', files: 'files' };

export async function findRetentionCandidates(db: Db, query: RetentionCandidateQuery): Promise<RetentionCandidatePage> {
  const { category, cutoffs, after, limit } = query;
  const rule = {
    unsuccessful: { stages: UNSUCCESSFUL_STAGES, before: cutoffs.unsuccessfulBefore, unmarked: 'erasedAt' as const },
    approved: { stages: ['APPROVED'], before: cutoffs.approvedBefore, unmarked: 'erasedAt' as const },
    files: { stages: DECIDED_STAGES, before: cutoffs.filesBefore, unmarked: 'filesErasedAt' as const },
  }[category];
  const page = await profilesEndedBefore(db, { ...rule, before: new Date(rule.before), after, limit });
  const next = page.length === limit ? page.at(-1)!._id : null;
  const items: RetentionCandidate[] = [];
  let held = 0;
  for (const profile of page) {
    // A profile the unsuccessful rule erases whole is not counted again for its files.
    if (category === 'files' && UNSUCCESSFUL_STAGES.includes(profile.stage) && profile.updatedAt < new Date(cutoffs.unsuccessfulBefore)) continue;
    if (category !== 'approved') {
      items.push({ scope: SCOPE[category], userId: profile.userId, profileId: profile._id });
      continue;
    }
    // The approval is old enough; the customer is due only if nothing happened since.
    if (items.some((item) => item.userId === profile.userId)) continue;
    if (await legalHoldOfUser(db, profile.userId, query.approvedYears, new Date(query.nowMs))) held++;
    else items.push({ scope: 'user', userId: profile.userId, profileId: null });
  }
  return { items, held, next };
}
