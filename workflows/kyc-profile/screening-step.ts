import { ApplicationFailure, patched, proxyActivities, setHandler } from '@temporalio/workflow';
import type { DocumentFields } from '../../domain/kyc-document.js';
import { isFinalStage } from '../../domain/kyc-stage.js';
import type { ScreeningActivities } from '../../activities/screening.activities.js';
import type { FaceDuplicateActivities } from '../../activities/face-duplicates.activities.js';
import type { KycStatusDto } from '../../domain/kyc-profile.js';
import type { KycStage } from '../../domain/kyc-stage.js';
import { duplicateReason, DUPLICATE_FACES_PATCH, hitIdOf, openHits, type DuplicateCheck, type ScreeningResult, type ScreeningState } from '../../domain/screening.js';
import { resolveScreeningHitUpdate, screeningAlertSignal } from '../kyc-profile.messages.js';

const { screenPerson, checkDuplicates, checkDuplicateFaces } = proxyActivities<ScreeningActivities & FaceDuplicateActivities>({
  startToCloseTimeout: '2 minutes', // the first call of a worker builds its list index
  retry: { initialInterval: '2 seconds', maximumInterval: '1 minute', maximumAttempts: 10 },
});

export interface ScreeningContext {
  status: KycStatusDto;
  moveTo(stage: KycStage, by?: string | null): Promise<void>;
  publish(): Promise<void>;
  notify(type: 'kyc.screening.hit' | 'kyc.decision', data: Record<string, unknown>): void;
  now(): string;
  /** A run reopened by monitoring: the person was screened at onboarding already. */
  resumed: boolean;
}

function refuse(message: string): never {
  throw ApplicationFailure.create({ message, type: 'StepRefused', nonRetryable: true });
}

/**
 * Sanctions / PEP screening of the confirmed document's fields (name, birth date, nationality) and
 * the duplicate-identity checks, when the liveness decision is made: open hits, duplicates (or a
 * screening that could not run) send the case to manual review; a blocklisted document rejects. A
 * reviewer resolves each hit: a true match rejects the profile, a false positive is dismissed
 * with who and why.
 */
/** A document or selfie resubmitted after a RETRY is screened again (older histories were not). */
export const RESCREEN_PATCH = 'rescreen-after-retry';

export function registerScreeningStep(ctx: ScreeningContext): { reviewReasons(): Promise<string[]> } {
  // Screening runs when the liveness decision asks for it, inside that Update: one coroutine at a
  // time issues commands, so replays see them in the same order.
  let screened: Promise<void> | null = ctx.resumed ? Promise.resolve() : null;
  // What was screened: the confirmed document, and the face match that the face checks used. A
  // RETRY can bring another document or selfie: the next decision screens again if it changed.
  const identityNow = () => JSON.stringify([ctx.status.document?.docType ?? null, ctx.status.document?.confirmed ?? null, ctx.status.faceMatch?.distance ?? null]);
  let screenedIdentity: string | null = null;
  let screenedPerson: string | null = null;

  async function screen(): Promise<void> {
    const fields = ctx.status.document?.confirmed ?? null;
    const person = fields?.name ? { name: fields.name, birthDate: fields.birthDate, nationality: fields.nationality } : null;
    let result: ScreeningResult = { listVersion: null, hits: [], problem: 'the document gives no name to screen' };
    if (person) {
      try {
        result = await screenPerson({ profileId: ctx.status.profileId, userId: ctx.status.userId, subject: person });
      } catch {
        result = { listVersion: null, hits: [], problem: 'the screening service failed (see the activity failure in history)' };
      }
    }
    // Screened again for the same person, a hit a reviewer already resolved keeps its resolution.
    const samePerson = screenedPerson !== null && screenedPerson === JSON.stringify(person);
    const resolved = samePerson ? (ctx.status.screening?.hits ?? []).filter((h) => h.resolution) : [];
    screenedPerson = JSON.stringify(person);
    const at = ctx.now();
    const hits = result.hits.map((h) => resolved.find((known) => known.entryId === h.entryId) ?? { ...h, hitId: hitIdOf(h.entryId), origin: 'ONBOARDING' as const, foundAt: at, resolution: null });
    ctx.status.screening = { screenedAt: at, listVersion: result.listVersion, problem: result.problem, hits };
    const fresh = hits.filter((h) => !h.resolution).length;
    if (fresh) ctx.notify('kyc.screening.hit', { origin: 'ONBOARDING', hits: fresh });
    if (fields && patched('duplicate-identities')) await checkIdentity(ctx.status.document!.docType, fields);
    // The face match stored descriptors only when it found both faces (a distance).
    if (ctx.status.faceMatch?.distance != null && !isFinalStage(ctx.status.stage) && patched(DUPLICATE_FACES_PATCH)) await checkFace();
  }

  /** Other users with this face → review with them linked; a blocklisted face → rejected. */
  async function checkFace(): Promise<void> {
    const state = ctx.status.screening!;
    const found = await checkDuplicateFaces({ profileId: ctx.status.profileId, userId: ctx.status.userId });
    state.duplicates = [...(state.duplicates ?? []), ...found.duplicates];
    if (found.blocked) {
      state.blockedFace = found.blocked;
      await rejectBlocked('face', found.blocked);
    }
  }

  /** Other users with this document or person → review with them linked; a blocklisted document → rejected. */
  async function checkIdentity(docType: string, fields: DocumentFields): Promise<void> {
    const state = ctx.status.screening!;
    const found = await checkDuplicates({ profileId: ctx.status.profileId, userId: ctx.status.userId, docType, fields });
    state.duplicates = found.duplicates;
    state.blocked = found.blocked;
    if (found.blocked) await rejectBlocked('document', found.blocked);
  }

  /** A blocklisted document or face: a FINAL rejection by `system`, at once. */
  async function rejectBlocked(what: 'document' | 'face', blocked: NonNullable<DuplicateCheck['blocked']>): Promise<void> {
    if (!isFinalStage(ctx.status.stage)) {
      const at = ctx.now();
      const decision = { adminId: 'system', status: -1 as const, remark: `blocklisted ${what}: ${blocked.reason}`, at, kind: 'REJECT_FINAL' as const, reasonCode: 'FRAUD_SUSPECTED' as const };
      ctx.status.decisions.push(decision);
      ctx.notify('kyc.decision', { ...decision, remark: `blocklisted ${what}` });
      ctx.status.failReason = 'rejected in manual review';
      ctx.status.reviewReasons = [decision.remark];
      // The stage table makes FINAL rejections in review: through it, decided by `system` at once.
      if (ctx.status.stage !== 'MANUAL_REVIEW') await ctx.moveTo('MANUAL_REVIEW', 'system');
      return ctx.moveTo('REJECTED', 'system');
    }
  }

  // Monitoring: a new list version names the customer. An approved profile reopens for review.
  let reopenedByMonitoring = false;
  setHandler(screeningAlertSignal, async ({ listVersion, hits }) => {
    const state = (ctx.status.screening ??= { screenedAt: null, listVersion: null, hits: [], problem: null });
    const at = ctx.now();
    const fresh = hits.filter((h) => !state.hits.some((known) => known.entryId === h.entryId && !known.resolution));
    if (!fresh.length) return;
    for (const h of fresh) {
      const repeats = state.hits.filter((known) => known.entryId === h.entryId).length; // resolved before, listed anew
      state.hits.push({ ...h, hitId: hitIdOf(h.entryId) + (repeats ? `.${repeats + 1}` : ''), origin: 'MONITORING', foundAt: at, resolution: null });
    }
    state.listVersion = listVersion;
    state.screenedAt = at;
    ctx.notify('kyc.screening.hit', { origin: 'MONITORING', hits: fresh.length });
    if (ctx.status.stage === 'APPROVED') {
      reopenedByMonitoring = true;
      ctx.status.reviewReasons = [`monitoring: ${fresh.length} new sanctions/PEP match(es) to resolve`];
      return ctx.moveTo('MANUAL_REVIEW');
    }
    await ctx.publish(); // in review already, or not yet decided: the hits join the case
  });

  setHandler(resolveScreeningHitUpdate, async ({ hitId, outcome, reviewerId, reason }) => {
    const state = ctx.status.screening!;
    const hit = state.hits.find((h) => h.hitId === hitId)!;
    const at = ctx.now();
    hit.resolution = { outcome, reviewerId, reason, at };
    if (outcome === 'TRUE_MATCH') {
      // The user sees a neutral reason: telling them about a list match would tip them off.
      const decision = { adminId: reviewerId, status: -1 as const, remark: `screening: true match on ${hit.entryId}: ${reason}`, at, kind: 'REJECT_FINAL' as const, reasonCode: 'SANCTIONED' as const };
      ctx.status.decisions.push(decision);
      ctx.notify('kyc.decision', { ...decision, remark: 'screening: true match' });
      ctx.status.failReason = 'rejected in manual review';
      await ctx.moveTo('REJECTED');
    } else if (hit.origin === 'MONITORING' && !openHits(state).length && ctx.status.stage === 'MANUAL_REVIEW' && reopenedByMonitoring) {
      // Every new hit on an approved customer was a false positive: the approval stands again.
      reopenedByMonitoring = false;
      ctx.status.reviewReasons = [];
      await ctx.moveTo('APPROVED');
    } else {
      await ctx.publish();
    }
    return state;
  }, {
    validator: ({ hitId }) => {
      const hit = ctx.status.screening?.hits.find((h) => h.hitId === hitId);
      if (!hit) refuse(`no screening hit ${hitId} on this profile`);
      if (hit.resolution) refuse(`hit ${hitId} was already resolved (${hit.resolution.outcome} by ${hit.resolution.reviewerId})`);
      if (ctx.status.stage !== 'MANUAL_REVIEW') refuse(`hits are resolved in manual review (profile stage: ${ctx.status.stage})`);
    },
  });

  return {
    async reviewReasons() {
      if (screened && screenedIdentity !== null && screenedIdentity !== identityNow() && patched(RESCREEN_PATCH)) screened = null;
      if (!screened) {
        screenedIdentity = identityNow();
        screened = screen();
      }
      await screened;
      const state = ctx.status.screening;
      const reasons = state?.problem ? [`sanctions screening could not run: ${state.problem}`] : [];
      const open = openHits(state);
      if (open.length) reasons.push(`sanctions/PEP screening: ${open.length} possible match(es) to resolve`);
      for (const d of state?.duplicates ?? []) reasons.push(duplicateReason(d));
      return reasons;
    },
  };
}

export type { ScreeningState };
