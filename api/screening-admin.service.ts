import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { Db } from 'mongodb';
import { kycProfileWorkflowId } from '../domain/ids.js';
import type { ScreeningOutcome } from '../domain/screening.js';
import { findKycProfile } from '../stores/kyc-profiles.store.js';
import { listVersions } from '../stores/screening-lists.store.js';
import { blockDocument, identityKeys, listBlocklist, listBlocklistRemovals, unblock } from '../stores/identities.store.js';
import { blockFace } from '../stores/face-descriptors.store.js';
import { resolveScreeningHitUpdate } from '../workflows/kyc-profile.messages.js';
import { HttpError, notFound } from './http-error.js';
import { basename } from 'node:path';
import type { Config } from '../config/config.js';
import { screeningMonitorWorkflow } from '../workflows/screening-monitor.workflow.js';
import { callWorkflow } from './workflow-errors.js';

/** Reviewers' screening actions: resolve a hit on a profile; see which list versions are loaded. */
export function createScreeningAdminService({ client, db, config }: { client: Client; db: Db; config: Pick<Config, 'TEMPORAL_TASK_QUEUE' | 'SCREENING_LIST_PATHS' | 'SCREENING_MONITOR_PAGE_SIZE' | 'IDENTITY_HASH_SECRET'> }) {
  return {
    /** The workflow's validator refuses an unknown or already resolved hit, or a profile not in review (409). */
    async resolveHit(profileId: string, hitId: string, outcome: ScreeningOutcome, reviewerId: string, reason: string) {
      if (!(await findKycProfile(db, profileId))) throw notFound('profile');
      const handle = client.workflow.getHandle(kycProfileWorkflowId(profileId));
      const screening = await callWorkflow('profile', () => handle.executeUpdate(resolveScreeningHitUpdate, { args: [{ hitId, outcome, reviewerId, reason }] }));
      return { profileId, hitId, outcome, screening };
    },

    /**
     * Ops' manual monitoring run: reload the configured lists (as the schedule does), or re-screen
     * approved customers against list versions already loaded. Answers with the run's workflow id.
     */
    async run(versionIds: string[] | undefined) {
      if (versionIds?.length) {
        const known = new Set((await listVersions(db, 1_000)).map((v) => v._id));
        const unknown = versionIds.filter((id) => !known.has(id));
        if (unknown.length) throw new HttpError(404, `unknown list version(s): ${unknown.join(', ')}`);
      } else if (!config.SCREENING_LIST_PATHS.length) {
        throw new HttpError(409, 'no list files are configured (SCREENING_LIST_PATHS); name loaded versions to re-screen against');
      }
      // One manual run at a time (as the schedule skips overlaps): runs racing over the same
      // customers would only repeat each other's work.
      const workflowId = 'screening-monitor:manual';
      try {
        await client.workflow.start(screeningMonitorWorkflow, {
          workflowId,
          taskQueue: config.TEMPORAL_TASK_QUEUE,
          args: [versionIds?.length ? { versionIds, pageSize: config.SCREENING_MONITOR_PAGE_SIZE } : { listPaths: config.SCREENING_LIST_PATHS, pageSize: config.SCREENING_MONITOR_PAGE_SIZE }],
          workflowIdConflictPolicy: 'FAIL',
        });
      } catch (err) {
        if (err instanceof WorkflowExecutionAlreadyStartedError) throw new HttpError(409, `a manual monitoring run is in progress (workflow ${workflowId}); wait for it to finish`);
        throw err;
      }
      return { workflowId };
    },

    /** Blocks the document of a profile (its confirmed type, issuing state and number). */
    async blockDocumentOf(profileId: string, adminId: string, reason: string) {
      const profile = await findKycProfile(db, profileId);
      if (!profile) throw notFound('profile');
      const fields = profile.document?.confirmed;
      const { docKey } = identityKeys(config.IDENTITY_HASH_SECRET, { docType: profile.document?.docType ?? '', issuer: fields?.issuer ?? fields?.nationality ?? null, number: fields?.idNumber ?? null }, { sortedName: null, birthDate: null });
      if (!docKey) throw new HttpError(409, 'the profile has no confirmed document number and issuing state to block');
      if (!(await blockDocument(db, docKey, { reason, addedBy: adminId, profileId }))) throw new HttpError(409, 'this document is already blocklisted');
      return { blockId: `doc:${docKey}` };
    },

    /** Blocks a profile's face: a sealed copy of its stored descriptors (document portrait and selfie). */
    async blockFaceOf(profileId: string, adminId: string, reason: string) {
      if (!(await findKycProfile(db, profileId))) throw notFound('profile');
      const outcome = await blockFace(db, profileId, { reason, addedBy: adminId });
      if (outcome === 'no-face') throw new HttpError(409, 'the profile has no stored face (no face match found both faces, or it was erased)');
      if (outcome === 'exists') throw new HttpError(409, "this profile's face is already blocklisted");
      return { blockId: `face:${profileId}` };
    },

    /** The entries in force, and the latest removals (who removed what, when and why). */
    async blocklist() {
      const [entries, removed] = await Promise.all([listBlocklist(db), listBlocklistRemovals(db)]);
      return {
        items: entries.map(({ _id, at, ...b }) => ({ blockId: _id, ...b, at: at.toISOString() })),
        removed: removed.map(({ _id, addedAt, removedAt, ...r }) => ({ ...r, addedAt: addedAt.toISOString(), removedAt: removedAt.toISOString() })),
      };
    },

    async unblock(blockId: string, adminId: string, reason: string | null) {
      if (!(await unblock(db, blockId, { removedBy: adminId, removalReason: reason }))) throw notFound('blocklist entry');
      return { blockId };
    },

    async lists() {
      const versions = await listVersions(db);
      // The file's name only: where the server keeps it is no business of the API's callers.
      return versions.map(({ _id, loadedAt, path, ...v }) => ({ versionId: _id, ...v, path: basename(path), loadedAt: loadedAt.toISOString() }));
    },
  };
}

export type ScreeningAdminService = ReturnType<typeof createScreeningAdminService>;
