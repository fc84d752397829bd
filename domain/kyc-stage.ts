/**
 * The profile workflow's internal stage, and how it reads in the other vocabularies (seed 000's
 * `latest_kyc.status` and `user_kyc_status`). One table, so every API answers the same.
 */
export const KYC_STAGES = [
  'DOCUMENT',
  'CONFIRMATION',
  'REVIEW_SUBMISSION',
  'LIVENESS',
  'FACE_MATCH',
  'PROVIDER_CHECK',
  'MANUAL_REVIEW',
  'APPROVED',
  'REJECTED',
  'CANCELLED',
  'EXPIRED',
] as const;
export type KycStage = (typeof KYC_STAGES)[number];

/** Seed 000 `latest_kyc.status`. */
export type LocalKycStatus =
  | 'pending_submit'
  | 'pending'
  | 'processing'
  | 'approved'
  | 'rejected'
  | 'failed'
  | 'not_completed'
  | 'cancelled';

/** Seed 000 `user_kyc_status`. */
export type UserKycStatus = 'none' | 'pending' | 'verified' | 'rejected';

interface StageMeaning {
  local: LocalKycStatus;
  user: UserKycStatus;
  final: boolean;
}

export const STAGE_TABLE: Readonly<Record<KycStage, StageMeaning>> = {
  DOCUMENT: { local: 'pending_submit', user: 'pending', final: false },
  CONFIRMATION: { local: 'pending_submit', user: 'pending', final: false },
  REVIEW_SUBMISSION: { local: 'pending_submit', user: 'pending', final: false },
  LIVENESS: { local: 'pending', user: 'pending', final: false },
  FACE_MATCH: { local: 'processing', user: 'pending', final: false },
  PROVIDER_CHECK: { local: 'processing', user: 'pending', final: false },
  MANUAL_REVIEW: { local: 'processing', user: 'pending', final: false },
  APPROVED: { local: 'approved', user: 'verified', final: true },
  REJECTED: { local: 'rejected', user: 'rejected', final: true },
  CANCELLED: { local: 'cancelled', user: 'none', final: true },
  EXPIRED: { local: 'not_completed', user: 'none', final: true },
};

export const isFinalStage = (stage: KycStage): boolean => STAGE_TABLE[stage].final;
