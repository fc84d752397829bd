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

/**
 * Every stage change the profile workflow may make, beside the stage table: the workflow's
 * `moveTo` refuses anything else, and README's diagram is drawn from it (`stageDiagram`).
 * A self-transition is a change within the stage (a document replaced, a case reset to review).
 */
export const STAGE_TRANSITIONS: Readonly<Record<KycStage, readonly KycStage[]>> = {
  DOCUMENT: ['CONFIRMATION', 'MANUAL_REVIEW', 'EXPIRED'],
  CONFIRMATION: ['CONFIRMATION', 'REVIEW_SUBMISSION', 'MANUAL_REVIEW', 'EXPIRED'],
  REVIEW_SUBMISSION: ['LIVENESS', 'FACE_MATCH', 'MANUAL_REVIEW', 'EXPIRED'],
  LIVENESS: ['PROVIDER_CHECK', 'MANUAL_REVIEW', 'EXPIRED'],
  FACE_MATCH: ['MANUAL_REVIEW'],
  PROVIDER_CHECK: ['APPROVED', 'REJECTED', 'MANUAL_REVIEW'],
  MANUAL_REVIEW: ['MANUAL_REVIEW', 'APPROVED', 'REJECTED', 'DOCUMENT', 'LIVENESS'],
  APPROVED: ['MANUAL_REVIEW'],
  REJECTED: ['MANUAL_REVIEW'],
  CANCELLED: [],
  EXPIRED: [],
};

/** Why each transition happens, for the diagram and for readers of the table. */
export const TRANSITION_REASONS: Readonly<Partial<Record<`${KycStage}>${KycStage}`, string>>> = {
  'DOCUMENT>CONFIRMATION': 'document read',
  'CONFIRMATION>CONFIRMATION': 'document replaced',
  'CONFIRMATION>REVIEW_SUBMISSION': 'fields confirmed',
  'REVIEW_SUBMISSION>LIVENESS': 'document submitted',
  'REVIEW_SUBMISSION>FACE_MATCH': 'resubmitted document, selfie kept',
  'LIVENESS>PROVIDER_CHECK': 'all checks passed',
  'LIVENESS>MANUAL_REVIEW': 'a check failed; resubmission done; RETRY withdrawn',
  'FACE_MATCH>MANUAL_REVIEW': 'new document matched to the selfie',
  'PROVIDER_CHECK>APPROVED': 'provider approved',
  'PROVIDER_CHECK>REJECTED': 'provider rejected',
  'PROVIDER_CHECK>MANUAL_REVIEW': 'provider deadline or long review',
  'MANUAL_REVIEW>MANUAL_REVIEW': 'reset',
  'MANUAL_REVIEW>APPROVED': 'reviewer approves',
  'MANUAL_REVIEW>REJECTED': 'reviewer rejects FINAL',
  'MANUAL_REVIEW>DOCUMENT': 'RETRY of the document',
  'MANUAL_REVIEW>LIVENESS': 'RETRY of liveness',
  'APPROVED>MANUAL_REVIEW': 'reset',
  'REJECTED>MANUAL_REVIEW': 'reset',
  'DOCUMENT>MANUAL_REVIEW': 'RETRY withdrawn',
  'DOCUMENT>EXPIRED': 'not finished in time',
  'CONFIRMATION>EXPIRED': 'not finished in time',
  'REVIEW_SUBMISSION>EXPIRED': 'not finished in time',
  'LIVENESS>EXPIRED': 'not finished in time',
  'CONFIRMATION>MANUAL_REVIEW': 'RETRY withdrawn',
  'REVIEW_SUBMISSION>MANUAL_REVIEW': 'RETRY withdrawn',
};

export const canMoveTo = (from: KycStage, to: KycStage): boolean => STAGE_TRANSITIONS[from].includes(to);

/** The transitions as a Mermaid state diagram (README "The KYC journey" embeds this text). */
export function stageDiagram(): string {
  const lines = ['stateDiagram-v2', '  [*] --> DOCUMENT: profile submitted'];
  for (const from of KYC_STAGES) {
    for (const to of STAGE_TRANSITIONS[from]) {
      const why = TRANSITION_REASONS[`${from}>${to}`];
      lines.push(`  ${from} --> ${to}${why ? `: ${why}` : ''}`);
    }
  }
  for (const stage of KYC_STAGES) if (STAGE_TABLE[stage].final) lines.push(`  ${stage} --> [*]`);
  return lines.join('\n');
}
