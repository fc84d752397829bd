import type { KycDocument } from './kyc-document.js';
import { STAGE_TABLE, type KycStage, type LocalKycStatus } from './kyc-stage.js';

// Imported by workflow code: keep this module free of libraries (the worker bundles it).

/** What the profile workflow starts with. Durations are decided by the API (config), not the workflow. */
export interface KycProfileInput {
  profileId: string;
  userId: string;
  country: string;
  /** How long an unfinished profile stays open before it expires. */
  ttlMs: number;
}

/**
 * Seed 003 `KycStatusDto`, the `data.status` of `GET /status/{profileId}`. The document, liveness
 * and face-match slots are filled by later stages and are null until then.
 */
export interface KycStatusDto {
  profileId: string;
  /** Seed 000 `latest_kyc.id` and `agent_uid`. */
  recordId: number;
  agentUid: string;
  userId: string;
  country: string;
  stage: KycStage;
  status: LocalKycStatus;
  document: KycDocument | null;
  liveness: Record<string, unknown> | null;
  faceMatch: Record<string, unknown> | null;
  failReason: string | null;
  createdAt: string;
  updatedAt: string;
}

export const statusOfStage = (stage: KycStage): LocalKycStatus => STAGE_TABLE[stage].local;
