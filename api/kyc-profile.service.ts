import { WorkflowExecutionAlreadyStartedError, type Client, type WorkflowHandle } from '@temporalio/client';
import type { Db } from 'mongodb';
import { randomBytes } from 'node:crypto';
import type { Config } from '../config/config.js';
import { formatProfileId, kycProfileWorkflowId } from '../domain/ids.js';
import type { KycStatusDto } from '../domain/kyc-profile.js';
import type { SubmitProfileBody } from '../domain/kyc-service.schemas.js';
import { claimActiveProfile, releaseActiveProfile } from '../stores/kyc-profiles.store.js';
import { getStatusQuery } from '../workflows/kyc-profile.messages.js';
import type { kycProfileWorkflow } from '../workflows/kyc-profile.workflow.js';
import type { AuthClaims } from './plugins/auth.js';
import { notFound } from './http-error.js';
import { callWorkflow } from './workflow-errors.js';

export interface KycProfileServiceDeps {
  client: Client;
  db: Db;
  config: Pick<Config, 'TEMPORAL_TASK_QUEUE' | 'KYC_PROFILE_TTL_HOURS'>;
}

/** What the seed-003 profile routes do with Temporal and the read models. */
export function createKycProfileService({ client, db, config }: KycProfileServiceDeps) {
  async function startProfile(profileId: string, body: SubmitProfileBody): Promise<void> {
    await client.workflow.start<typeof kycProfileWorkflow>('kycProfileWorkflow', {
      workflowId: kycProfileWorkflowId(profileId),
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      args: [{ profileId, userId: body.userId, country: body.country, ttlMs: config.KYC_PROFILE_TTL_HOURS * 3_600_000 }],
      // A retried submit joins the running workflow; a finished profile id is never reused.
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
  }

  return {
    /**
     * One active profile per user: the claim in MongoDB picks the profile, the workflow id makes the
     * start idempotent. Returns the profile and whether it is new.
     */
    async submit(body: SubmitProfileBody): Promise<{ profileId: string; created: boolean }> {
      for (let attempt = 0; attempt < 2; attempt++) {
        const candidate = formatProfileId(randomBytes(12).toString('hex'));
        const profileId = await claimActiveProfile(db, body.userId, candidate);
        try {
          await startProfile(profileId, body);
          return { profileId, created: profileId === candidate };
        } catch (err) {
          if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
          // The claim points at a profile that already finished: free it and claim afresh.
          await releaseActiveProfile(db, body.userId, profileId);
        }
      }
      throw new Error(`could not claim an active profile for a user`);
    },

    /** The live status from the workflow; someone else's profile reads as not found. */
    async status(profileId: string, viewer: AuthClaims): Promise<KycStatusDto> {
      return (await this.open(profileId, viewer)).status;
    },

    /** The profile's workflow handle and status, for a viewer allowed to see it. */
    async open(profileId: string, viewer: AuthClaims): Promise<{ handle: WorkflowHandle<typeof kycProfileWorkflow>; status: KycStatusDto }> {
      const handle = client.workflow.getHandle<typeof kycProfileWorkflow>(kycProfileWorkflowId(profileId));
      const status = await callWorkflow('profile', () => handle.query(getStatusQuery));
      if (status.userId !== viewer.sub && viewer.role !== 'admin') throw notFound('profile');
      return { handle, status };
    },
  };
}

export type KycProfileService = ReturnType<typeof createKycProfileService>;
