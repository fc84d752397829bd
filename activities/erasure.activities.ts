import { ApplicationFailure } from '@temporalio/common';
import { activityInfo, metricMeter } from '@temporalio/activity';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Db } from 'mongodb';
import type { DataKeyRing } from '../codec/data-keys.js';
import { webhookDeliveryWorkflowId, type ErasureRequest, type ErasureResult } from '../domain/data-protection.js';
import type { WebhookEvent } from './webhook.activities.js';
import type { webhookDeliveryWorkflow } from '../workflows/webhook-delivery.workflow.js';
import { eraseFromStores } from '../erasure/erasable-stores.js';
import { ErasureRefused, resolveSubject, type ErasureSubject } from '../erasure/erasure-subject.js';
import { holdsMasterSealedPayloads } from '../erasure/master-sealed.js';
import { findRetentionCandidates, type RetentionCandidatePage, type RetentionCandidateQuery } from '../erasure/retention.js';
import { closeErasure, erasuresCompletedSince, openErasure } from '../stores/erasure-log.store.js';

export interface ErasureActivityDeps {
  db: Db;
  /** Stops, describes and deletes the subject's workflows; starts webhook deliveries. */
  temporal: Client;
  dataKeys: DataKeyRing;
}

/** The steps of an erasure, each idempotent so the workflow can retry any of them. */
export function createErasureActivities({ db, temporal, dataKeys }: ErasureActivityDeps) {
  return {
    /** Resolves what the erasure covers from the read models and opens its log entry. */
    async prepareErasure(request: ErasureRequest): Promise<ErasureSubject> {
      const subject = await resolveSubject(db, request).catch((err) => {
        throw err instanceof ErasureRefused ? ApplicationFailure.nonRetryable(err.message, 'ErasureRefused') : err;
      });
      await openErasure(db, request, subject.profileIds, new Date());
      return subject;
    },

    /**
     * Terminates the subject's open workflows (a running one could not go on without its data key),
     * and deletes histories that hold payloads sealed by a master key, which shredding cannot reach.
     */
    async stopSubjectWorkflows({ workflowIds, reason }: { workflowIds: string[]; reason: string }): Promise<{ terminated: number; deleted: number }> {
      let terminated = 0;
      let deleted = 0;
      for (const workflowId of workflowIds) {
        const handle = temporal.workflow.getHandle(workflowId);
        try {
          const { status } = await handle.describe();
          if (status.name === 'RUNNING') {
            await handle.terminate(reason);
            terminated++;
          }
          if (holdsMasterSealedPayloads(await handle.fetchHistory())) {
            await temporal.workflowService.deleteWorkflowExecution({ namespace: temporal.options.namespace, workflowExecution: { workflowId } });
            deleted++;
          }
        } catch (err) {
          if (!(err instanceof WorkflowNotFoundError)) throw err; // never started, or already deleted
        }
      }
      return { terminated, deleted };
    },

    async eraseSubjectStores({ subject, erasureId }: { subject: ErasureSubject; erasureId: string }): Promise<Record<string, number>> {
      return eraseFromStores(db, subject, { erasureId, at: new Date() });
    },

    async destroyDataKeys({ workflowIds, erasureId }: { workflowIds: string[]; erasureId: string }): Promise<number> {
      return dataKeys.destroy(workflowIds, erasureId);
    },

    async closeErasure(result: ErasureResult): Promise<void> {
      await closeErasure(db, result);
      metricMeter.createCounter('kycflow_erasures', '1', 'Completed erasures').add(1, { scope: result.scope });
    },

    /**
     * Repeats the store erasure of the profiles erased since `since`: an activity of a stopped
     * workflow may still have been running, and written (a read model, a selfie frame) afterwards.
     */
    async repeatRecentErasures({ since }: { since: string }): Promise<{ erasures: number; erased: number }> {
      const recent = await erasuresCompletedSince(db, new Date(since));
      let erased = 0;
      for (const { _id, userId, profileIds } of recent) {
        const counts = await eraseFromStores(db, { scope: 'profile', userId, profileIds, fileIds: [], workflowIds: [] }, { erasureId: _id, at: new Date() });
        erased += Object.values(counts).reduce((a, b) => a + b, 0);
      }
      return { erasures: recent.length, erased };
    },

    /**
     * Starts one webhook-delivery workflow per event (its id is the event id, so a retried call
     * starts none twice): delivery retries on its own, and nobody waits for a slow receiver.
     */
    async announce(events: WebhookEvent[]): Promise<void> {
      const { taskQueue } = activityInfo();
      for (const event of events) {
        try {
          await temporal.workflow.start<typeof webhookDeliveryWorkflow>('webhookDeliveryWorkflow', { workflowId: webhookDeliveryWorkflowId(event.eventId), taskQueue, args: [event], workflowIdReusePolicy: 'REJECT_DUPLICATE' });
        } catch (err) {
          if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
        }
      }
    },

    async findRetentionCandidates(query: RetentionCandidateQuery): Promise<RetentionCandidatePage> {
      return findRetentionCandidates(db, query);
    },
  };
}

export type ErasureActivities = ReturnType<typeof createErasureActivities>;
