import type { KycStage, LocalKycStatus, UserKycStatus } from './kyc-stage.js';
import { STAGE_TABLE } from './kyc-stage.js';
import type { PaymentStatus } from './payments.js';
import type { Resubmission } from './review.js';

/**
 * Seed 000's two app endpoints, computed from the read models. Pure: the API loads the records,
 * these functions decide what the app is told.
 */
export interface KycPaymentView {
  status: Exclude<PaymentStatus, 'none'>;
  consumed: boolean;
}

export interface EligibilityResponse {
  eligible: boolean;
  payment_status: PaymentStatus;
  payment_type: 'kyc';
  reason: string;
  required_action: 'create_kyc_payment' | 'complete_payment' | '';
  status: 'success';
}

/** `GET /kyc/eligibility`: a completed, unused KYC fee payment (or a waived fee) makes a user eligible. */
export function kycEligibility(latest: KycPaymentView | null, feeWaived: boolean): EligibilityResponse {
  const base = { payment_type: 'kyc' as const, status: 'success' as const };
  if (feeWaived) return { ...base, eligible: true, payment_status: latest?.status ?? 'none', reason: 'no KYC fee is charged', required_action: '' };
  if (!latest) return { ...base, eligible: false, payment_status: 'none', reason: 'KYC fee payment required before KYC verification', required_action: 'create_kyc_payment' };
  switch (latest.status) {
    case 'pending':
    case 'processing':
      return { ...base, eligible: false, payment_status: latest.status, reason: 'the KYC fee payment is not completed yet', required_action: 'complete_payment' };
    case 'failed':
      return { ...base, eligible: false, payment_status: 'failed', reason: 'the KYC fee payment failed; create a new one', required_action: 'create_kyc_payment' };
    case 'completed':
      return latest.consumed
        ? { ...base, eligible: false, payment_status: 'completed', reason: 'the KYC fee was used by an earlier verification; pay again to retry', required_action: 'create_kyc_payment' }
        : { ...base, eligible: true, payment_status: 'completed', reason: 'KYC fee paid', required_action: '' };
  }
}

/** Seed 000 `pokepay_status`: 1 not reviewed/incomplete, 2 approved, 3 failed, 4 info mismatch, 5 manual review, 6 duplicate id number. */
export type PokepayStatus = 1 | 2 | 3 | 4 | 5 | 6;

export function pokepayStatusOf(stage: KycStage): PokepayStatus {
  if (stage === 'APPROVED') return 2;
  if (stage === 'REJECTED') return 3;
  if (stage === 'MANUAL_REVIEW') return 5;
  return 1;
}

export interface LatestKycRecord {
  recordId: number;
  agentUid: string;
  stage: KycStage;
  failReason: string | null;
  /** A RETRY the user owes (absent before the decision model). */
  resubmission?: Resubmission | null;
  createdAt: string;
  updatedAt: string;
}

export interface DiditStatusResponse {
  can_submit_kyc: boolean;
  latest_kyc: {
    agent_uid: string;
    created_at: string;
    fail_reason: string;
    id: number;
    pokepay_status: PokepayStatus;
    status: LocalKycStatus;
    updated_at: string;
  } | null;
  message: string;
  user_kyc_status: UserKycStatus;
}

/**
 * `GET /didit/status`: the user's overall state from their latest profile. While a reviewer's RETRY
 * is open the profile reads as seed 000's example does: `rejected`, `pokepay_status` 3, the user still
 * `pending`, `can_submit_kyc` true (same profile, no new fee) and `fail_reason` saying what to fix.
 */
export function diditStatus(latest: LatestKycRecord | null, eligibility: EligibilityResponse): DiditStatusResponse {
  if (latest?.resubmission) return resubmissionStatus(latest, latest.resubmission);
  const meaning = latest ? STAGE_TABLE[latest.stage] : null;
  const userStatus: UserKycStatus = meaning?.user ?? 'none';
  const inProgress = meaning !== null && !meaning.final;
  const canSubmit = userStatus !== 'verified' && !inProgress && eligibility.eligible;
  const message = userStatus === 'verified' ? 'KYC approved; no need to submit again'
    : inProgress ? 'a KYC verification is in progress'
    : canSubmit ? 'you can submit a KYC verification'
    : eligibility.reason;
  return {
    can_submit_kyc: canSubmit,
    latest_kyc: latest && meaning ? {
      agent_uid: latest.agentUid,
      created_at: latest.createdAt,
      fail_reason: latest.failReason ?? '',
      id: latest.recordId,
      pokepay_status: pokepayStatusOf(latest.stage),
      status: meaning.local,
      updated_at: latest.updatedAt,
    } : null,
    message,
    user_kyc_status: userStatus,
  };
}

function resubmissionStatus(latest: LatestKycRecord, retry: Resubmission): DiditStatusResponse {
  return {
    can_submit_kyc: true,
    latest_kyc: {
      agent_uid: latest.agentUid,
      created_at: latest.createdAt,
      fail_reason: retry.message,
      id: latest.recordId,
      pokepay_status: 3,
      status: 'rejected',
      updated_at: latest.updatedAt,
    },
    message: retry.step === 'DOCUMENT' ? 'please upload your identity document again' : 'please redo the liveness check',
    user_kyc_status: 'pending',
  };
}
