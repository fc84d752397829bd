import type { Client } from '@temporalio/client';
import type { FastifyRequest } from 'fastify';
import type { Db } from 'mongodb';
import { z } from 'zod';
import { VIDEO_TYPES } from '../domain/file-types.js';
import { kycProfileWorkflowId } from '../domain/ids.js';
import { profileIdSchema } from '../domain/kyc-service.schemas.js';
import type { LivenessCallbackRecord, LivenessSession } from '../domain/liveness.js';
import { deleteFile, storeUpload, UploadRejected } from '../stores/files.store.js';
import { claimDelivery, releaseDelivery } from '../stores/callback-events.store.js';
import { claimVideoHash, findKycProfile, findProfileByLivenessSession } from '../stores/kyc-profiles.store.js';
import { livenessCallbackSignal, startLivenessUpdate, verifyLivenessUpdate } from '../workflows/kyc-profile.messages.js';
import { HttpError, notFound } from './http-error.js';
import type { KycProfileService } from './kyc-profile.service.js';
import { readMultipartForm } from './multipart-form.js';
import { isVisibleTo } from './ownership.js';
import type { AuthClaims } from './plugins/auth.js';
import { callWorkflow, isRefusedStep } from './workflow-errors.js';

const VIDEO_FIELDS = ['video1', 'video2', 'video3'] as const;
const verifyFields = z.object({
  profileId: profileIdSchema,
  sessionId: z.uuid('must be a session id (UUID)'),
  /** "true" when the videos are mirror images (front-camera preview): left and right swap. */
  mirrored: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
});

/** Seed 003 liveness routes: sessions and verification are Updates on the profile workflow. */
export function createLivenessService({ client, db, profiles, maxVideoBytes }: { client: Client; db: Db; profiles: KycProfileService; maxVideoBytes: number }) {
  return {
    async start(profileId: string, viewer: AuthClaims): Promise<LivenessSession> {
      const { handle } = await profiles.open(profileId, viewer);
      return callWorkflow('profile', () => handle.executeUpdate(startLivenessUpdate));
    },

    /** Videos to storage (refusing any seen before), then the verify Update; files go if it is refused. */
    async verify(request: FastifyRequest, viewer: AuthClaims): Promise<LivenessSession> {
      const form = await readMultipartForm(request, {
        fileFields: VIDEO_FIELDS,
        maxFileBytes: maxVideoBytes,
        store: (part) => storeUpload(db, part.file, { field: part.fieldname, owner: { userId: viewer.sub, purpose: 'liveness' }, accept: VIDEO_TYPES }),
      });
      let handedOver = false;
      try {
        if (form.error) throw form.error;
        const fields = verifyFields.safeParse(form.fields);
        if (!fields.success) throw new HttpError(400, `invalid form: ${fields.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
        const missing = VIDEO_FIELDS.filter((name) => !form.files.has(name));
        if (missing.length) throw new HttpError(400, `${missing.join(', ')}: one video per action is required`);
        const { handle, status } = await profiles.open(fields.data.profileId, viewer);
        if (!status.liveness?.sessions.some((s) => s.sessionId === fields.data.sessionId)) throw notFound('liveness session of this profile');
        for (const name of VIDEO_FIELDS) {
          if (!(await claimVideoHash(db, form.files.get(name)!.sha256, fields.data.sessionId))) throw new HttpError(409, `${name}: this video was already used; record a new one`);
        }
        handedOver = true;
        return await callWorkflow('profile', () => handle.executeUpdate(verifyLivenessUpdate, {
          args: [{ sessionId: fields.data.sessionId, videoFileIds: VIDEO_FIELDS.map((name) => form.files.get(name)!.fileId), mirrored: fields.data.mirrored }],
        }));
      } catch (err) {
        if (!handedOver || isRefusedStep(err)) await Promise.all([...form.files.values()].map((f) => deleteFile(db, f.fileId)));
        if (err instanceof UploadRejected) throw new HttpError(err.statusCode, err.message);
        throw err;
      }
    },

    /** From the read model: the session's ref, then its profile, both by key. */
    async session(sessionId: string, viewer: AuthClaims): Promise<LivenessSession> {
      const owner = await findProfileByLivenessSession(db, sessionId);
      const profile = owner && isVisibleTo(owner, viewer) ? await findKycProfile(db, owner._id) : null;
      const session = profile?.liveness?.sessions.find((s) => s.sessionId === sessionId);
      if (!session) throw new HttpError(404, 'liveness session not found', undefined, { sessionId, status: 'NOT_FOUND' });
      if (session.status === 'EXPIRED') throw new HttpError(410, 'liveness session expired; start a new one', undefined, session);
      return session;
    },

    /** A vendor's signed result for a profile, recorded on the workflow once per delivery; false for a replay. */
    async recordCallback(delivery: string, profileId: string, callback: Omit<LivenessCallbackRecord, 'receivedAt'>): Promise<boolean> {
      if (!(await claimDelivery(db, 'liveness', delivery))) return false;
      const handle = client.workflow.getHandle(kycProfileWorkflowId(profileId));
      try {
        await callWorkflow('profile', () => handle.signal(livenessCallbackSignal, callback));
      } catch (err) {
        await releaseDelivery(db, 'liveness', delivery);
        throw err;
      }
      return true;
    },
  };
}

export type LivenessService = ReturnType<typeof createLivenessService>;
