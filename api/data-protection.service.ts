import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { Db } from 'mongodb';
import { randomBytes } from 'node:crypto';
import type { DataKeyRing } from '../codec/data-keys.js';
import type { Config } from '../config/config.js';
import { userErasureWorkflowId, type ErasureRequest, type ErasureResult, type REQUESTABLE_LEGAL_BASES } from '../domain/data-protection.js';
import { ERASABLE_STORES } from '../erasure/erasable-stores.js';
import { resolveSubject } from '../erasure/erasure-subject.js';
import { legalHoldOfUser } from '../erasure/legal-hold.js';
import { erasuresOfUser, findErasure } from '../stores/erasure-log.store.js';
import { filesOf } from '../stores/files.store.js';
import { profilesOfUser } from '../stores/kyc-profiles.store.js';
import type { dataErasureWorkflow } from '../workflows/data-erasure.workflow.js';
import { HttpError } from './http-error.js';

export interface EraseUserInput {
  legalBasis: (typeof REQUESTABLE_LEGAL_BASES)[number];
  note: string | null;
  overrideLegalHold: { reason: string } | null;
}

export type EraseUserAnswer =
  | ({ status: 'completed' } & ErasureResult)
  | { status: 'running'; erasureId: string }
  | { status: 'already_erased'; erasureId: string; completedAt: string | null };

/** What the export leaves out, and why, so whoever answers the request can say so. */
const WITHHELD_FROM_EXPORT = [
  'sanctions/PEP screening hits and monitoring alerts: disclosing them to the subject is tipping-off (AML)',
  "duplicate-identity links: they name other customers' profiles",
  "review internals: reviewers' ids, notes and remarks, why the automatic checks chose review, face-match and anti-spoofing scores (fraud prevention)",
] as const;

/** Erasure on request and the data export (right of access), for admins. */
export function createDataProtectionService({ client, db, dataKeys, config }: {
  client: Client;
  db: Db;
  dataKeys: DataKeyRing;
  config: Pick<Config, 'TEMPORAL_TASK_QUEUE' | 'RETENTION_APPROVED_YEARS' | 'ERASURE_WAIT_MS'>;
}) {
  /** True while anything readable is held on the user: a profile not yet redacted, a file, a live data key. */
  async function holdsData(userId: string): Promise<boolean> {
    const subject = await resolveSubject(db, { scope: 'user', userId, profileId: null });
    return (await profilesOfUser(db, userId)).some((p) => !p.erasedAt)
      || (await filesOf(db, { userId })).length > 0
      || (await dataKeys.countLive(subject.workflowIds)) > 0;
  }

  /** The erasure's outcome once its log entry is closed (polled by key), or null after `ERASURE_WAIT_MS`. */
  async function closedErasure(erasureId: string): Promise<ErasureResult | null> {
    const deadline = Date.now() + config.ERASURE_WAIT_MS;
    for (let wait = 20; Date.now() < deadline; wait = Math.min(wait * 2, 250)) {
      const entry = await findErasure(db, erasureId);
      if (entry?.status === 'completed' && entry.result && entry.completedAt) {
        return { erasureId, scope: entry.scope, userId: entry.userId, profileIds: entry.profileIds, ...entry.result, completedAt: entry.completedAt.toISOString() };
      }
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
    return null;
  }

  /** A request that arrived while another erasure of the user runs gets that erasure's answer. */
  async function joinRunningErasure(userId: string): Promise<EraseUserAnswer> {
    const description = await client.workflow.getHandle(userErasureWorkflowId(userId)).describe();
    const erasureId = description.memo?.erasureId;
    if (typeof erasureId !== 'string') throw new HttpError(409, 'an erasure of this user is already running');
    const done = await closedErasure(erasureId);
    return done ? { status: 'completed', ...done } : { status: 'running', erasureId };
  }

  return {
    /**
     * Erases everything held on the user. A second request finds nothing left and changes nothing.
     * An approved customer within the retention period is under legal hold unless the admin
     * overrides it with a reason (recorded in the erasure log).
     */
    async eraseUser(userId: string, input: EraseUserInput, adminId: string): Promise<EraseUserAnswer> {
      const previous = await erasuresOfUser(db, userId, 1);
      if (!(await holdsData(userId))) {
        if (!previous[0]) throw new HttpError(404, 'no KYC data is held for this user');
        return { status: 'already_erased', erasureId: previous[0]._id, completedAt: previous[0].completedAt?.toISOString() ?? null };
      }
      const hold = await legalHoldOfUser(db, userId, config.RETENTION_APPROVED_YEARS);
      if (hold && !input.overrideLegalHold) {
        throw new HttpError(409, `legal hold: ${hold.reason}; an admin may override it with a reason (overrideLegalHold.reason)`, undefined, { legalHold: hold });
      }
      const request: ErasureRequest = {
        erasureId: `erasure_${randomBytes(12).toString('hex')}`,
        scope: 'user',
        userId,
        profileId: null,
        requestedBy: adminId,
        legalBasis: input.legalBasis,
        note: input.note,
        legalHoldOverride: hold ? input.overrideLegalHold : null,
      };
      try {
        await client.workflow.start<typeof dataErasureWorkflow>('dataErasureWorkflow', {
          workflowId: userErasureWorkflowId(userId),
          taskQueue: config.TEMPORAL_TASK_QUEUE,
          args: [request],
          memo: { erasureId: request.erasureId },
          workflowIdConflictPolicy: 'FAIL',
        });
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
        return joinRunningErasure(userId);
      }
      const done = await closedErasure(request.erasureId);
      return done ? { status: 'completed', ...done } : { status: 'running', erasureId: request.erasureId };
    },

    erasures: (userId: string) => erasuresOfUser(db, userId),

    /** Everything held on the user as one document, with links to the files (right of access). */
    async exportUser(userId: string) {
      const sections = await Promise.all(ERASABLE_STORES.filter((s) => s.export).map(async (s) => [s.name, await s.export!(db, userId)] as const));
      const data = Object.fromEntries(sections) as Record<string, unknown[]>;
      if (Object.values(data).every((records) => records.length === 0)) throw new HttpError(404, 'no data is held for this user');
      const subject = await resolveSubject(db, { scope: 'user', userId, profileId: null });
      return {
        userId,
        generatedAt: new Date().toISOString(),
        ...data,
        withheld: WITHHELD_FROM_EXPORT,
        workflowHistories: { workflowIds: subject.workflowIds, readable: await dataKeys.countLive(subject.workflowIds) },
      };
    },
  };
}

export type DataProtectionService = ReturnType<typeof createDataProtectionService>;
