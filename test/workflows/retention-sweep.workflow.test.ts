import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { createErasureActivities } from '../../activities/erasure.activities.js';
import type { WebhookEvent } from '../../activities/webhook.activities.js';
import { DataKeyRing } from '../../codec/data-keys.js';
import { parseEncryptionKeys } from '../../codec/master-keys.js';
import { dataErasureWorkflowId, type RetentionSweepInput, type RetentionSweepProgress } from '../../domain/data-protection.js';
import { kycProfileWorkflowId } from '../../domain/ids.js';
import type { KycStage } from '../../domain/kyc-stage.js';
import { statusOfStage } from '../../domain/kyc-profile.js';
import { saveCardApplication } from '../../stores/cards.store.js';
import { storeUpload } from '../../stores/files.store.js';
import { saveKycProfile } from '../../stores/kyc-profiles.store.js';
import { connectMongo, type Mongo } from '../../stores/mongo.js';
import type { retentionSweepWorkflow } from '../../workflows/retention-sweep.workflow.js';
import { requireStackEnv } from '../helpers/app-under-test.js';
import { recordHistory } from '../helpers/histories.js';
import { createTimeSkippingEnv, skipWithoutTimeSkipping } from '../helpers/time-skipping.js';
import { emptyReviewState } from '../../domain/review.js';

const DAY = 86_400_000;
const POLICY = { unsuccessfulDays: 90, approvedYears: 5, filesDays: 60 };
const TASK_QUEUE = 'retention-sweep-test';
const JPEG = Buffer.from('ffd8ffe000104a46494600010100000100010000ffd9', 'hex');

/**
 * The retention sweep against real erasure activities and a real MongoDB, on the time-skipping
 * server: profiles are written "today", then the sweep runs as the clock moves on by months and years.
 */
describe('retention sweep (time-skipping server, real MongoDB)', { skip: skipWithoutTimeSkipping, timeout: 120_000 }, () => {
  let env: TestWorkflowEnvironment;
  let mongo: Mongo;
  let ring: DataKeyRing;
  const events: WebhookEvent[] = [];
  let stopWorker: (() => Promise<void>) | undefined;
  const id = (n: string) => `profile_${n.padStart(24, '0')}`;
  const profiles = {
    rejected: { profileId: id('a1'), userId: 'u_rejected', stage: 'REJECTED' },
    expired: { profileId: id('a2'), userId: 'u_expired', stage: 'EXPIRED' },
    cancelled: { profileId: id('a3'), userId: 'u_cancelled', stage: 'CANCELLED' },
    approved: { profileId: id('a4'), userId: 'u_customer', stage: 'APPROVED' },
    activeCustomer: { profileId: id('a5'), userId: 'u_active', stage: 'APPROVED' },
    inReview: { profileId: id('a6'), userId: 'u_review', stage: 'MANUAL_REVIEW' },
  } as const satisfies Record<string, { profileId: string; userId: string; stage: KycStage }>;
  type Name = keyof typeof profiles;

  before(async () => {
    requireStackEnv();
    env = await createTimeSkippingEnv();
    mongo = await connectMongo(process.env.MONGODB_URL!, `kycflow_test_sweep_${randomBytes(4).toString('hex')}`);
    ring = new DataKeyRing(mongo.db, parseEncryptionKeys(`k1:${randomBytes(32).toString('base64')}`));
    const now = new Date(await env.currentTimeMs()).toISOString();
    for (const [n, { profileId, userId, stage }] of Object.entries(profiles)) {
      await saveKycProfile(mongo.db, 3, {
        profileId, recordId: 100_000_000_000 + n.length, agentUid: `u${userId}`, userId, country: 'SG', stage, status: statusOfStage(stage),
        document: null, liveness: null, faceMatch: null, provider: null, reviewReasons: [], decisions: [], reviewOverdue: false, failReason: null, resubmission: null, review: emptyReviewState(), createdAt: now, updatedAt: now,
      });
      await storeUpload(mongo.db, Readable.from([JPEG]), { field: 'frontImage', owner: { userId, profileId, purpose: 'document' }, accept: ['image/jpeg'] });
      await ring.keyFor(kycProfileWorkflowId(profileId));
    }
    // One worker throughout: erasures' detached late passes run whenever time moves on.
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: TASK_QUEUE,
      workflowBundle: { code: readFileSync(process.env.KYCFLOW_WORKFLOW_BUNDLE!, 'utf8') },
      activities: {
        ...createErasureActivities({ db: mongo.db, temporal: env.client, dataKeys: ring }),
        deliverWebhook: async (event: WebhookEvent) => void events.push(event),
      },
    });
    stopWorker = () => {
      worker.shutdown();
      return running;
    };
    const running = worker.run();
    // The active customer used a card four years after approval: the relationship ended later.
    const later = new Date(Date.parse(now) + 4 * 365 * DAY).toISOString();
    await saveCardApplication(mongo.db, 2, {
      taskId: `task_${'c'.repeat(24)}`, userId: profiles.activeCustomer.userId, kycId: 1, paymentId: 'pay_1', physical: false, stage: 'ISSUED',
      stages: [], cardId: 1, panLast4: '1234', failureReason: null, createdAt: later, updatedAt: later,
    });
  });
  after(async () => {
    await stopWorker?.();
    await mongo?.db.dropDatabase();
    await mongo?.client.close();
    await env?.teardown();
  });

  let runs = 0;
  async function sweep(dryRun = false, pageSize = 2): Promise<RetentionSweepProgress> {
    const input: RetentionSweepInput = { policy: POLICY, dryRun, pageSize };
    // A plain client: env.client's result() lets the test server skip time (by years, once the
    // workflow is done); here time moves only when a test says so (env.sleep).
    const client = new Client({ connection: env.connection, namespace: env.namespace });
    return client.workflow.execute<typeof retentionSweepWorkflow>('retentionSweepWorkflow', { workflowId: `retention-sweep-${++runs}`, taskQueue: TASK_QUEUE, args: [input] });
  }

  const profile = (n: Name) => mongo.db.collection('kyc_profiles').findOne({ _id: profiles[n].profileId as never });
  const files = (n: Name) => mongo.db.collection('uploads.files').countDocuments({ 'metadata.profileId': profiles[n].profileId });
  const keyLive = async (n: Name) => (await ring.countLive([kycProfileWorkflowId(profiles[n].profileId)])) === 1;
  const erased = async () => Object.fromEntries(await Promise.all(Object.keys(profiles).map(async (n) => [n, Boolean((await profile(n as Name))?.erasedAt)])));
  const untouched = { rejected: false, expired: false, cancelled: false, approved: false, activeCustomer: false, inReview: false };

  it('erases nothing while every period is running', async () => {
    const progress = await sweep();
    assert.deepEqual(Object.values(progress.categories).map((c) => c.found), [0, 0, 0]);
    assert.deepEqual(await erased(), untouched);
  });

  it('a dry run after 91 days lists what is due and changes nothing', async () => {
    await env.sleep('91 days');
    const progress = await sweep(true);
    assert.equal(progress.dryRun, true);
    assert.equal(progress.categories.unsuccessful.found, 3);
    assert.deepEqual(progress.categories.unsuccessful.sample.sort(), [profiles.rejected.profileId, profiles.expired.profileId, profiles.cancelled.profileId].sort());
    assert.deepEqual(progress.categories.files.sample.sort(), [profiles.approved.profileId, profiles.activeCustomer.profileId].sort(), 'decided, kept profiles lose their files');
    assert.equal(progress.categories.unsuccessful.erased + progress.categories.files.erased, 0);
    assert.deepEqual(await erased(), untouched);
    assert.equal(await files('approved'), 1);
    assert.equal(events.length, 0);
  });

  it('after 91 days: unsuccessful profiles erased, decided ones lose their files, the rest untouched', async () => {
    const progress = await sweep();
    assert.equal(progress.categories.unsuccessful.erased, 3);
    assert.equal(progress.categories.files.erased, 2);
    assert.equal(progress.categories.approved.found, 0);
    assert.ok(progress.pages >= 4, 'paged (two profiles a page)');
    assert.deepEqual(await erased(), { ...untouched, rejected: true, expired: true, cancelled: true });
    for (const n of ['rejected', 'expired', 'cancelled', 'approved', 'activeCustomer'] as const) assert.equal(await files(n), 0, `${n} files`);
    assert.equal(await files('inReview'), 1, 'an undecided profile keeps its files');
    for (const n of ['rejected', 'expired', 'cancelled'] as const) assert.equal(await keyLive(n), false, `${n} data key`);
    for (const n of ['approved', 'activeCustomer', 'inReview'] as const) assert.equal(await keyLive(n), true, `${n} data key`);
    assert.ok((await profile('approved'))?.filesErasedAt instanceof Date);
    assert.deepEqual(events.map((e) => e.data.profileId).sort(), [profiles.rejected.profileId, profiles.expired.profileId, profiles.cancelled.profileId].sort());
    assert.ok(events.every((e) => e.type === 'kyc.profile.erased' && e.data.legalBasis === 'retention_policy'));
    const log = await mongo.db.collection('data_erasures').find({ requestedBy: 'retention-sweep' }).toArray();
    assert.deepEqual(log.map((e) => e.scope).sort(), ['files', 'files', 'profile', 'profile', 'profile']);
    const plain = new Client({ connection: env.connection, namespace: env.namespace });
    await recordHistory('retention-sweep.late-writes-first', plain.workflow.getHandle(`retention-sweep-${runs}`).fetchHistory());
    await recordHistory('data-erasure.profile', plain.workflow.getHandle(dataErasureWorkflowId(log.find((e) => e.scope === 'profile')!._id as unknown as string)).fetchHistory());
  });

  it('sweeping again the next day finds nothing new, and undoes writes that came after an erasure', async () => {
    // An activity still running when the rejected profile was erased: it wrote its snapshot and a
    // selfie frame afterwards.
    const { profileId, userId } = profiles.rejected;
    const { erasedAt: _erased, ...snapshot } = (await profile('rejected'))!;
    await mongo.db.collection('kyc_profiles').replaceOne({ _id: profileId as never }, { ...snapshot, document: { extracted: { name: 'LATE WRITE' } } });
    await storeUpload(mongo.db, Readable.from([JPEG]), { field: 'selfieFrame', owner: { userId, profileId, purpose: 'selfie-frame' }, accept: ['image/jpeg'] });
    await env.sleep('1 day');
    const progress = await sweep();
    assert.deepEqual(Object.values(progress.categories).map((c) => c.found), [0, 0, 0]);
    assert.deepEqual(progress.lateWrites, { erasures: 3, erased: 2 }, 'the three profile erasures repeated: the frame deleted, the snapshot redacted');
    assert.equal(await files('rejected'), 0);
    assert.ok((await profile('rejected'))?.erasedAt instanceof Date);
    assert.ok(!JSON.stringify(await profile('rejected')).includes('LATE WRITE'));
  });

  it('five years on: the customer whose relationship ended is erased; the one still active is held', async () => {
    await env.sleep('1830 days');
    const progress = await sweep();
    assert.equal(progress.categories.approved.erased, 1);
    assert.equal(progress.categories.approved.held, 1);
    assert.deepEqual(progress.categories.approved.sample, [profiles.approved.userId]);
    assert.deepEqual(await erased(), { ...untouched, rejected: true, expired: true, cancelled: true, approved: true });
    assert.equal(await keyLive('approved'), false);
    assert.equal(await keyLive('inReview'), true);
    assert.equal((await profile('inReview'))?.stage, 'MANUAL_REVIEW');
  });
});
