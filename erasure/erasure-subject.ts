import type { Db } from 'mongodb';
import type { ErasureRequest } from '../domain/data-protection.js';
import { kycProfileWorkflowId } from '../domain/ids.js';
import { cardApplicationWorkflowId } from '../domain/cards.js';
import { feePaymentWorkflowId } from '../domain/payments.js';
import { cardApplicationsOfUser } from '../stores/cards.store.js';
import { findKycProfile, profilesOfUser, type KycProfileDoc } from '../stores/kyc-profiles.store.js';
import { paymentsOfUser } from '../stores/payments.store.js';

/** Who and what an erasure covers, resolved from the read models. Ids only: no PII. */
export interface ErasureSubject {
  scope: ErasureRequest['scope'];
  userId: string;
  profileIds: string[];
  /** Stored files the profiles' records point to (found even if they carry no owner profile). */
  fileIds: string[];
  /** The subject's workflows: stopped, then their data keys destroyed (none for `files`). */
  workflowIds: string[];
}

export class ErasureRefused extends Error {}

export async function resolveSubject(db: Db, request: Pick<ErasureRequest, 'scope' | 'userId' | 'profileId'>): Promise<ErasureSubject> {
  const { scope, userId } = request;
  if (scope === 'user') {
    const [profiles, cards, payments] = await Promise.all([profilesOfUser(db, userId), cardApplicationsOfUser(db, userId), paymentsOfUser(db, userId)]);
    return {
      scope,
      userId,
      profileIds: profiles.map((p) => p._id),
      fileIds: profiles.flatMap(fileIdsOf),
      workflowIds: [
        ...profiles.map((p) => kycProfileWorkflowId(p._id)),
        ...cards.map((c) => cardApplicationWorkflowId(c._id)),
        ...payments.map((p) => feePaymentWorkflowId(p._id)),
      ],
    };
  }
  const profile = request.profileId ? await findKycProfile(db, request.profileId) : null;
  if (!profile || profile.userId !== userId) throw new ErasureRefused(`profile ${request.profileId} of user ${userId} not found`);
  // A card application belongs to the approved profile it was applied for (kycId = its record id).
  const cards = scope === 'profile' ? (await cardApplicationsOfUser(db, userId)).filter((c) => c.kycId === profile.recordId) : [];
  return {
    scope,
    userId,
    profileIds: [profile._id],
    fileIds: fileIdsOf(profile),
    workflowIds: scope === 'profile' ? [kycProfileWorkflowId(profile._id), ...cards.map((c) => cardApplicationWorkflowId(c._id))] : [],
  };
}

const fileIdsOf = (profile: KycProfileDoc): string[] =>
  [profile.document?.frontFileId, profile.document?.backFileId].filter((id): id is string => typeof id === 'string');
