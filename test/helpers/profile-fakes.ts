import type { DocumentRead } from '../../domain/kyc-document.js';
import type { FaceMatchSummary, LivenessActionName, LivenessScoring } from '../../domain/liveness.js';

export const GOOD_QUALITY_SCORES = { width: 1200, height: 800, sharpness: 500, glare: 0, brightness: 160 };
export const FACE_MATCHED: FaceMatchSummary = { passed: true, similarity: 0.8, distance: 0.2, threshold: 0.4, reason: null };

/**
 * Fake activities of a profile whose every check passes, for workflow tests: each suite overrides
 * what it is about. The one place to add an activity the workflow starts calling (a worker missing
 * one leaves the workflow waiting, so the test hangs instead of failing).
 */
export function passingProfileActivities(read: DocumentRead) {
  return {
    saveKycProfile: async () => undefined,
    screenPerson: async () => ({ listVersion: 'test', hits: [], problem: null }),
    checkDuplicates: async () => ({ duplicates: [], blocked: null }),
    checkDuplicateFaces: async () => ({ duplicates: [], blocked: null }),
    deliverWebhook: async () => undefined,
    checkDocumentQuality: async () => ({ passed: true, scores: GOOD_QUALITY_SCORES, errors: [] }),
    readDocument: async () => read,
    discardFiles: async () => undefined,
    scoreLivenessVideos: async ({ actions }: { actions: LivenessActionName[] }): Promise<LivenessScoring> => ({
      results: actions.map((action) => ({ action, passed: true, confidence: 0.9, reason: null })),
      samePerson: { passed: true, reason: null },
      bestFrameFileId: 'selfie-1',
    }),
    matchDocumentFace: async (): Promise<FaceMatchSummary> => FACE_MATCHED,
    submitToProvider: async () => undefined,
    awaitProviderDecision: async () => ({ outcome: 'APPROVED' as const, polls: 1 }),
  };
}
