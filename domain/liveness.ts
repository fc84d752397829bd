// The liveness step of a KYC profile (seed 003). Imported by workflow code: no libraries here.
import type { FaceMatchBand, FaceMatchBands } from './face-match.js';

/** Seed 003 `LivenessActionEnum`; three distinct ones are drawn per session. */
export const LIVENESS_ACTIONS = ['BLINK', 'SMILE', 'TURN_LEFT', 'TURN_RIGHT', 'NOD', 'OPEN_MOUTH'] as const;
export type LivenessActionName = (typeof LIVENESS_ACTIONS)[number];
export const ACTIONS_PER_SESSION = 3;
export const LIVENESS_SESSION_TTL_MS = 5 * 60_000;

/** RETRY: the videos were too poor to judge (quality gate); it does not count as a failed attempt. */
export type LivenessSessionStatus = 'ACTIVE' | 'VERIFYING' | 'PASSED' | 'FAILED' | 'RETRY' | 'EXPIRED';

/** Sessions refused by the quality gate beyond this many count as failed attempts (no endless free tries). */
export const MAX_QUALITY_RETRIES = 5;

export interface ActionResult {
  action: LivenessActionName;
  passed: boolean;
  /** 0..1 */
  confidence: number;
  reason: string | null;
}

export interface FaceMatchSummary {
  /** band === 'match'. */
  passed: boolean;
  similarity: number | null;
  distance: number | null;
  threshold: number;
  reason: string | null;
  /** null when nothing could be compared. Absent in profiles verified before bands existed. */
  band?: FaceMatchBand | null;
  bands?: FaceMatchBands;
  /** Descriptor model and version: descriptors of different models are never compared. */
  model?: string;
  /** The selfie is a copy of the document's portrait (a presentation attack). */
  copyOfPortrait?: boolean;
}

/** What the user must fix before a retry (selfie quality gate). */
export interface FaceQualityProblem {
  code: string;
  message: string;
  /** 1-based video the problem was seen on; null for the session as a whole. */
  video: number | null;
}

/** The passive anti-spoofing check beside the three actions. */
export interface PresentationCheck {
  suspected: boolean;
  reasons: string[];
  signals: { moire: number; antispoof: number | null; liveness: number | null };
}

export interface LivenessSession {
  sessionId: string;
  actions: LivenessActionName[];
  status: LivenessSessionStatus;
  createdAt: string;
  expiresAt: string;
  results: ActionResult[] | null;
  confidence: number | null;
  samePerson: { passed: boolean; reason: string | null } | null;
  reasons: string[];
  verifiedAt: string | null;
  /** Why the session must be retried (status RETRY). */
  quality?: FaceQualityProblem[];
  presentation?: PresentationCheck | null;
  /** The stored selfie frame (absent in sessions from before it was kept). */
  bestFrameFileId?: string | null;
}

/** A result delivered by a liveness vendor's server-to-server callback, as recorded. */
export interface LivenessCallbackRecord {
  sessionId: string | null;
  confidence: number | null;
  result: string | null;
  errorMessage: string | null;
  receivedAt: string;
}

export interface LivenessState {
  sessions: LivenessSession[];
  callbacks: LivenessCallbackRecord[];
}

/** What the scoring activity reports for one session's three videos. */
export interface LivenessScoring {
  results: ActionResult[];
  samePerson: { passed: boolean; reason: string | null };
  /** A frame of the person, stored for face match and review. */
  bestFrameFileId: string | null;
  /** Quality-gate problems; any makes the session a retry. Absent in older histories. */
  quality?: FaceQualityProblem[];
  presentation?: PresentationCheck;
}

/** Three distinct actions, drawn with the given random source (the workflow's, so replays agree). */
export function drawActions(random: () => number): LivenessActionName[] {
  const pool = [...LIVENESS_ACTIONS];
  for (let i = pool.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, ACTIONS_PER_SESSION);
}
