import type { Client } from '@temporalio/client';
import type { FastifyRequest } from 'fastify';
import type { Db } from 'mongodb';
import { z } from 'zod';
import { VIDEO_TYPES } from '../domain/file-types.js';
import { kycProfileWorkflowId } from '../domain/ids.js';
import { profileIdSchema } from '../domain/kyc-service.schemas.js';
import type { LivenessCallbackRecord, LivenessSession } from '../domain/liveness.js';
import { claimDelivery, releaseDelivery } from '../stores/callback-events.store.js';
import { claimVideoHash, findKycProfile, findProfileByLivenessSession, releaseVideoHash } from '../stores/kyc-profiles.store.js';
import { assignFilesToProfile } from '../stores/files.store.js';
import { livenessCallbackSignal, startLivenessUpdate, verifyLivenessUpdate } from '../workflows/kyc-profile.messages.js';
import { HttpError, notFound } from './http-error.js';
import type { KycProfileService } from './kyc-profile.service.js';
import { receiveUpload } from './uploads.js';
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

/** The session can be verified now; else 404, 410 (expired) or 409 (already verified). */
function assertVerifiable(session: LivenessSession | undefined): void {
  if (!session) throw notFound('liveness session of this profile');
  if (session.status === 'EXPIRED' || (session.status === 'ACTIVE' && Date.parse(session.expiresAt) <= Date.now())) {
    throw new HttpError(410, 'the liveness session has expired; start a new one', undefined, { sessionId: session.sessionId, status: 'EXPIRED' });
  }
  if (session.status === 'RETRY') throw new HttpError(409, 'the liveness session is already closed: start a new session');
  if (session.status !== 'ACTIVE') throw new HttpError(409, `the liveness session is already ${session.status.toLowerCase()}`);
}

/** One recording per action: the same file under two fields is a mistake, not a replay. */
function assertDistinct(videos: Array<{ name: string; sha256: string }>): void {
  const twins = videos.filter((v) => videos.some((w) => w !== v && w.sha256 === v.sha256)).map((v) => v.name);
  if (twins.length) throw new HttpError(400, `${twins.join(' and ')} are the same file; record one video per action`);
}

/** Seed 003 liveness routes: sessions and verification are Updates on the profile workflow. */
export function createLivenessService({ client, db, profiles, maxVideoBytes }: { client: Client; db: Db; profiles: KycProfileService; maxVideoBytes: number }) {
  /** Claims every video for this session, or none: one used before is a 409 and the others go back. */
  async function claimVideos(videos: Array<{ name: string; sha256: string }>, sessionId: string): Promise<void> {
    const claimed = await Promise.all(videos.map((v) => claimVideoHash(db, v.sha256, sessionId)));
    const used = videos.filter((_, i) => !claimed[i]);
    if (!used.length) return;
    await Promise.all(videos.filter((_, i) => claimed[i]).map((v) => releaseVideoHash(db, v.sha256, sessionId)));
    throw new HttpError(409, `${used.map((v) => v.name).join(', ')}: this video was already used; record a new one`);
  }

  return {
    async start(profileId: string, viewer: AuthClaims): Promise<LivenessSession> {
      const { handle } = await profiles.open(profileId, viewer);
      return callWorkflow('profile', () => handle.executeUpdate(startLivenessUpdate));
    },

    /**
     * Videos to storage, then the verify Update. A video may be used once, ever (by sha256; the
     * worker also recognises a replayed recording by its frames). Nothing is used up by a refused
     * request: the session is checked first (404, 410 expired, 409 finished), the same file twice
     * is a 400, and a step the workflow refuses gives its videos back.
     */
    async verify(request: FastifyRequest, viewer: AuthClaims): Promise<LivenessSession> {
      const spec = { fileFields: VIDEO_FIELDS, accept: VIDEO_TYPES, owner: { userId: viewer.sub, purpose: 'liveness' }, maxFileBytes: maxVideoBytes };
      return receiveUpload(request, db, spec, async ({ fields, files, handOver }) => {
        const form = verifyFields.safeParse(fields);
        if (!form.success) throw new HttpError(400, `invalid form: ${form.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
        const missing = VIDEO_FIELDS.filter((name) => !files.has(name));
        if (missing.length) throw new HttpError(400, `${missing.join(', ')}: one video per action is required`);
        const { handle, status } = await profiles.open(form.data.profileId, viewer);
        assertVerifiable(status.liveness?.sessions.find((s) => s.sessionId === form.data.sessionId));
        if (status.stage !== 'LIVENESS') throw new HttpError(409, `the profile no longer takes liveness videos (profile stage: ${status.stage})`);
        const videos = VIDEO_FIELDS.map((name) => ({ name, ...files.get(name)! }));
        assertDistinct(videos);
        await claimVideos(videos, form.data.sessionId);
        await assignFilesToProfile(db, videos.map((v) => v.fileId), form.data.profileId); // erasing the profile finds them
        try {
          return await handOver(() => callWorkflow('profile', () => handle.executeUpdate(verifyLivenessUpdate, {
            args: [{ sessionId: form.data.sessionId, videoFileIds: videos.map((v) => v.fileId), mirrored: form.data.mirrored }],
          })));
        } catch (err) {
          if (isRefusedStep(err)) await Promise.all(videos.map((v) => releaseVideoHash(db, v.sha256, form.data.sessionId)));
          throw err;
        }
      });
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
