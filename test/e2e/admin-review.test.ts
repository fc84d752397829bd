import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { checkSignature } from '../../domain/hmac-signature.js';
import { isFinalStage, type KycStage } from '../../domain/kyc-stage.js';
import { claimForReopening, releaseActiveProfile } from '../../stores/kyc-profiles.store.js';
import { createReviewer } from '../../stores/reviewers.store.js';
import { SyntheticVideos } from '../support/synthetic-videos.js';
import { api, startAppUnderTest, type AppUnderTest } from '../helpers/app-under-test.js';
import { failLiveness, profileInReview as reviewJourney, until } from '../helpers/journeys.js';

/** A webhook receiver that verifies signatures, fails each event's first delivery, and counts. */
function startReceiver(secret: string) {
  const attempts = new Map<string, number>();
  const accepted = new Map<string, number>();
  let badSignatures = 0;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c)).on('end', () => {
      const verdict = checkSignature(secret, { timestamp: String(req.headers['x-kycflow-timestamp']), signature: String(req.headers['x-kycflow-signature']) }, body, Date.now());
      if (verdict !== 'ok') {
        badSignatures++;
        return void res.writeHead(401).end();
      }
      const id = JSON.parse(body).eventId as string;
      attempts.set(id, (attempts.get(id) ?? 0) + 1);
      if (attempts.get(id) === 1) return void res.writeHead(500).end(); // first delivery fails
      if (!accepted.has(id)) accepted.set(id, 0);
      accepted.set(id, accepted.get(id)! + 1);
      res.writeHead(200).end();
    });
  });
  return { server, attempts, accepted, badSignatures: () => badSignatures };
}

describe('manual review by admins (seed 003 admin side) with outbound webhooks', { timeout: 1_200_000 }, () => {
  let t: AppUnderTest;
  let videos: SyntheticVideos;
  const receiver = startReceiver('test-webhook-secret-123');
  const admin = () => t.token('ops_anna', 'admin');

  before(async () => {
    const url = await new Promise<string>((resolve) => receiver.server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(receiver.server.address() as { port: number }).port}/hooks`)));
    [t, videos] = await Promise.all([
      startAppUnderTest({ LIVENESS_MAX_ATTEMPTS: '1', REVIEW_MAX_RETRIES_PER_STEP: '1', WEBHOOK_URL: url, WEBHOOK_SECRET: 'test-webhook-secret-123' }),
      SyntheticVideos.create(),
    ]);
  });
  after(async () => {
    await t?.close();
    await videos?.cleanup();
    receiver.server.close();
  });

  const profileInReview = (userId: string, stills: [number, 'a' | 'a2' | 'b']) => reviewJourney(t, videos, userId, stills);
  const userStatus = async (userId: string) => (await api(t, 'GET', '/didit/status', { token: t.token(userId) })).body;

  it('lists the case, shows its detail, and an approval verifies the user', async () => {
    const profileId = await profileInReview('rev_user_1', [2, 'a']);
    const list = await api(t, 'POST', '/admin/kyc/list', { token: admin(), body: { stage: 'MANUAL_REVIEW', country: 'TH', page: 1, limit: 10 } });
    assert.equal(list.status, 200);
    assert.ok(list.body.data.total >= 1);
    const item = list.body.data.items.find((i: any) => i.profileId === profileId);
    assert.match(item.reviewReasons.join(' '), /liveness failed/);

    const detail = await api(t, 'GET', `/admin/kyc/detail/${profileId}`, { token: admin() });
    assert.equal(detail.body.data.profile.stage, 'MANUAL_REVIEW');
    assert.equal(detail.body.data.profile.liveness.sessions[0].status, 'FAILED');
    assert.ok(detail.body.data.timeline.some((e: any) => e.type === 'WORKFLOW_EXECUTION_UPDATE_ACCEPTED' && e.name === 'verifyLiveness'));
    const mirror = await api(t, 'GET', `/api/web/kycService/detail/${profileId}`, { token: admin() });
    assert.equal(mirror.body.data.profile.profileId, profileId);

    const approved = await api(t, 'POST', '/admin/kyc/update-status', { token: admin(), body: { profileId, status: '2', remark: 'Manual review passed' } });
    assert.equal(approved.status, 200);
    await until(async () => (await userStatus('rev_user_1')).user_kyc_status === 'verified');
    const resubmit = await api(t, 'POST', '/api/web/kycService/submit', { token: t.token('rev_user_1'), body: { userId: 'rev_user_1', country: 'TH' } });
    assert.deepEqual([resubmit.status, resubmit.body.message], [409, 'KYC is already approved for this user; no need to submit again']);
    const again = await api(t, 'POST', '/admin/kyc/update-status', { token: admin(), body: { profileId, status: '2' } });
    assert.equal(again.status, 409);
    assert.match(again.body.message, /reset it first/);

    // Its reset window over, the case's workflow has closed (here: ended at once): a closed case, not an unknown one.
    await t.client.workflow.getHandle(`kyc-profile:${profileId}`).terminate('test: the reset window ended');
    for (const path of ['claim', 'notes']) {
      const closed = await api(t, 'POST', `/admin/kyc/cases/${profileId}/${path}`, { token: admin(), body: path === 'notes' ? { text: 'late note' } : {} });
      assert.deepEqual([closed.status, /this case is closed/.test(closed.body.message)], [409, true], `${path}: ${JSON.stringify(closed.body)}`);
    }
  });

  it("a FINAL rejection tells the user the reason's message, never the internal remark; a reset then an approval verifies", async () => {
    const profileId = await profileInReview('rev_user_2', [2, 'a2']);
    await api(t, 'POST', '/api/web/kycService/status/update', { token: admin(), body: { profileId, status: -1, remark: 'Photo does not match the holder', reasonCode: 'IDENTITY_MISMATCH' } });
    await until(async () => (await userStatus('rev_user_2')).user_kyc_status === 'rejected');
    const rejected = await userStatus('rev_user_2');
    assert.equal(rejected.latest_kyc.fail_reason, 'We could not confirm that you are the holder of this document.');
    assert.equal(rejected.latest_kyc.pokepay_status, 3);
    const own = await api(t, 'GET', `/api/web/kycService/status/${profileId}`, { token: t.token('rev_user_2') });
    const seen = JSON.stringify(own.body);
    assert.doesNotMatch(seen, /Photo does not match the holder|ops_anna/, 'no internal remark or reviewer id in the user\'s status');
    assert.equal(own.body.data.status.review, undefined);
    assert.equal(own.body.data.status.decisions[0].reasonCode, 'IDENTITY_MISMATCH');

    assert.equal((await api(t, 'POST', '/admin/kyc/update-status', { token: admin(), body: { profileId, status: '0', remark: 'second look' } })).status, 200);
    await until(async () => (await userStatus('rev_user_2')).latest_kyc.status === 'processing');
    assert.equal((await api(t, 'POST', '/admin/kyc/update-status', { token: admin(), body: { profileId, status: '2' } })).status, 200);
    await until(async () => (await userStatus('rev_user_2')).user_kyc_status === 'verified');
    const detail = await api(t, 'GET', `/admin/kyc/detail/${profileId}`, { token: admin() });
    assert.deepEqual(detail.body.data.profile.decisions.map((d: any) => [d.adminId, d.status]), [['ops_anna', -1], ['ops_anna', 0], ['ops_anna', 2]]);
    assert.deepEqual(detail.body.data.profile.decisions.map((d: any) => d.kind), ['REJECT_FINAL', 'RESET', 'APPROVE']);
  });

  it("a reset racing the user's new submit leaves one open profile: the reset takes the user's claim first", async () => {
    const userId = 'rev_user_race';
    const token = t.token(userId);
    const profileId = await profileInReview(userId, [8, 'a2']);
    await api(t, 'POST', '/admin/kyc/update-status', { token: admin(), body: { profileId, status: -1, reasonCode: 'OTHER' } });
    await until(async () => (await userStatus(userId)).user_kyc_status === 'rejected');
    const submit = () => api(t, 'POST', '/api/web/kycService/submit', { token, body: { userId, country: 'TH' } });

    // A reset has taken the claim and its workflow has not yet reopened the profile: the submit
    // must not take that claim for a decided profile's stale one.
    assert.equal(await claimForReopening(t.mongo.db, userId, profileId), profileId);
    const during = await submit();
    assert.deepEqual([during.status, during.body.message], [409, 'a reviewer is reopening your previous verification; try again in a minute']);
    await releaseActiveProfile(t.mongo.db, userId, profileId);

    // Both at once: whichever wins, the user has one open profile.
    const [reset, resubmit] = await Promise.all([
      api(t, 'POST', `/admin/kyc/cases/${profileId}/decision`, { token: admin(), body: { action: 'RESET', comment: 'second look' } }),
      submit(),
    ]);
    // When the reset wins, the submit may also answer 200 with the reopened profile (the user's open one).
    const opened = [...new Set([reset.status === 200 && profileId, resubmit.status === 200 && resubmit.body.data.profileId].filter(Boolean))];
    assert.equal(opened.length, 1, `reset ${reset.status} ${reset.body.message ?? ''}, submit ${resubmit.status} ${resubmit.body.message ?? ''}`);
    await new Promise((r) => setTimeout(r, 500)); // let the read models settle
    const profiles = await t.mongo.db.collection<{ _id: string; stage: KycStage }>('kyc_profiles').find({ userId }).toArray();
    assert.deepEqual(profiles.filter((p) => !isFinalStage(p.stage)).map((p) => p._id), opened);
  });

  it('RETRY of the document: the user sees what to fix, redoes it, and the case returns to the queue; past the limit a RETRY is FINAL', async () => {
    const userId = 'rev_user_4';
    const profileId = await profileInReview(userId, [5, 'a']);
    const decision = (body: object, token = admin()) => api(t, 'POST', `/admin/kyc/cases/${profileId}/decision`, { token, body });
    const retry = await decision({ action: 'RETRY', step: 'DOCUMENT', userMessage: 'The photo is blurred; please retake it in good light.', comment: 'MRZ unreadable' });
    assert.equal(retry.status, 200, JSON.stringify(retry.body));
    assert.deepEqual([retry.body.data.outcome, retry.body.data.stage], ['RETRY_REQUESTED', 'DOCUMENT']);

    await until(async () => (await userStatus(userId)).latest_kyc.status === 'rejected');
    const owed = await userStatus(userId);
    assert.deepEqual([owed.can_submit_kyc, owed.user_kyc_status, owed.latest_kyc.pokepay_status, owed.latest_kyc.fail_reason],
      [true, 'pending', 3, 'The photo is blurred; please retake it in good light.']);
    const token = t.token(userId);
    const own = (await api(t, 'GET', `/api/web/kycService/status/${profileId}`, { token })).body.data.status;
    assert.deepEqual([own.stage, own.status, own.resubmission.step, own.resubmission.attemptsLeft], ['DOCUMENT', 'rejected', 'DOCUMENT', 0]);
    assert.doesNotMatch(JSON.stringify(own), /MRZ unreadable/);
    const again = await api(t, 'POST', '/api/web/kycService/submit', { token, body: { userId, country: 'TH' } });
    assert.equal(again.body.data.profileId, profileId, 'the same profile: no new fee, no new profile');

    const doc = await api(t, 'POST', '/api/web/kycService/document', { token, body: { profileId, docType: 'PASSPORT', frontImageUrl: 'https://cdn.example/p2.jpg', expiryDate: '2034-04-04' } });
    assert.equal(doc.status, 200, JSON.stringify(doc.body));
    await api(t, 'POST', `/api/web/kycService/document/confirm?documentId=${doc.body.data.documentId}`, { token, body: {} });
    await api(t, 'POST', `/api/web/kycService/document/submit?documentId=${doc.body.data.documentId}`, { token });
    await failLiveness(t, videos, userId, profileId, [5, 'a2']); // a metadata document has no portrait: liveness again
    const back = await api(t, 'GET', `/admin/kyc/detail/${profileId}`, { token: admin() });
    assert.match(back.body.data.profile.reviewReasons[0], /^resubmitted after RETRY 1 of the document/);
    assert.equal(back.body.data.profile.resubmission, null);
    assert.equal((await userStatus(userId)).latest_kyc.status, 'processing');
    const queue = await api(t, 'GET', '/admin/kyc/queue?reason=RESUBMITTED', { token: admin() });
    assert.ok(queue.body.data.items.some((i: any) => i.profileId === profileId));
    assert.ok(queue.body.data.counts.reasons.RESUBMITTED >= 1);

    const limit = await decision({ action: 'RETRY', step: 'DOCUMENT', userMessage: 'Please retake the photo once more.' });
    assert.deepEqual([limit.body.data.outcome, limit.body.data.reasonCode, limit.body.data.stage], ['REJECTED', 'RETRY_LIMIT_REACHED', 'REJECTED']);
    await until(async () => (await userStatus(userId)).user_kyc_status === 'rejected');
    assert.equal((await userStatus(userId)).latest_kyc.fail_reason, 'Your verification could not be completed after several attempts.');
  });

  it('claims: another reviewer sees who has the case and cannot decide it; notes are kept in order', async () => {
    const profileId = await profileInReview('rev_user_5', [8, 'a']);
    const other = t.token('ops_ben', 'admin');
    const claimed = await api(t, 'POST', `/admin/kyc/cases/${profileId}/claim`, { token: admin(), body: {} });
    assert.equal(claimed.status, 200, JSON.stringify(claimed.body));
    assert.equal(claimed.body.data.claim.reviewerId, 'ops_anna');
    const queue = await api(t, 'GET', `/admin/kyc/queue?q=${profileId}`, { token: other });
    assert.deepEqual([queue.body.data.total, queue.body.data.items[0].claim.reviewerId], [1, 'ops_anna']);
    const refused = await api(t, 'POST', `/admin/kyc/cases/${profileId}/decision`, { token: other, body: { action: 'APPROVE' } });
    assert.equal(refused.status, 409);
    assert.match(refused.body.message, /claimed by ops_anna/);
    assert.equal((await api(t, 'POST', `/admin/kyc/cases/${profileId}/claim`, { token: other, body: {} })).status, 409);
    assert.equal((await api(t, 'POST', `/admin/kyc/cases/${profileId}/release`, { token: other, body: {} })).status, 409, 'only the holder releases');
    for (const text of ['first look: selfie too dark', 'asked a colleague']) {
      assert.equal((await api(t, 'POST', `/admin/kyc/cases/${profileId}/notes`, { token: admin(), body: { text } })).status, 200);
    }
    assert.equal((await api(t, 'POST', `/admin/kyc/cases/${profileId}/notes`, { token: admin(), body: { text: '   ' } })).status, 400);
    assert.equal((await api(t, 'POST', `/admin/kyc/cases/${profileId}/release`, { token: admin(), body: {} })).status, 200);
    const detail = (await api(t, 'GET', `/admin/kyc/detail/${profileId}`, { token: other })).body.data;
    assert.deepEqual(detail.review.notes.map((n: any) => [n.authorId, n.text]), [['ops_anna', 'first look: selfie too dark'], ['ops_anna', 'asked a colleague']]);
    assert.equal(detail.review.claim, null);
    assert.deepEqual(detail.review.log.filter((e: any) => e.event !== 'STAGE').map((e: any) => e.event), ['CLAIM', 'NOTE', 'NOTE', 'RELEASE']);
    const decided = await api(t, 'POST', `/admin/kyc/cases/${profileId}/decision`, { token: other, body: { action: 'REJECT', reasonCode: 'SPOOFING', comment: 'photo held to the camera' } });
    assert.deepEqual([decided.status, decided.body.data.outcome], [200, 'REJECTED']);
    const bad = await api(t, 'POST', `/admin/kyc/cases/${profileId}/decision`, { token: other, body: { action: 'REJECT', reasonCode: 'BECAUSE' } });
    assert.equal(bad.status, 400);
  });

  it('refuses non-admins on every admin route (403) and bad input (400)', async () => {
    const user = t.token('rev_user_3');
    const routes: Array<[string, string, object | undefined]> = [
      ['POST', '/admin/kyc/list', {}],
      ['GET', '/admin/kyc/detail/profile_000000000000000000000000', undefined],
      ['POST', '/admin/kyc/update-status', { profileId: 'profile_000000000000000000000000', status: '2' }],
      ['POST', '/api/web/kycService/list', {}],
      ['GET', '/api/web/kycService/detail/profile_000000000000000000000000', undefined],
      ['POST', '/api/web/kycService/status/update', { profileId: 'profile_000000000000000000000000', status: '2' }],
      ['GET', '/admin/kyc/queue', undefined],
      ['GET', '/admin/kyc/reference', undefined],
      ['POST', '/admin/kyc/cases/profile_000000000000000000000000/claim', {}],
      ['POST', '/admin/kyc/cases/profile_000000000000000000000000/decision', { action: 'APPROVE' }],
      ['POST', '/admin/kyc/cases/profile_000000000000000000000000/notes', { text: 'x' }],
      // An invalid body still gets 403 first: a user learns nothing of the admin schemas.
      ['POST', '/admin/kyc/update-status', {}],
      ['POST', '/admin/kyc/cases/profile_000000000000000000000000/decision', {}],
      ['POST', '/admin/kyc/users/rev_user_3/erasure', {}],
      ['POST', '/admin/kyc/screening/resolve', {}],
    ];
    for (const [method, path, body] of routes) {
      const res = await api(t, method, path, { token: user, body });
      assert.equal(res.status, 403, `${method} ${path}`);
      assert.equal(res.body.code, 40300);
    }
    assert.equal((await api(t, 'POST', '/admin/kyc/list', { token: admin(), body: { limit: 1000 } })).status, 400);
    assert.equal((await api(t, 'POST', '/admin/kyc/update-status', { token: admin(), body: { profileId: 'profile_000000000000000000000000', status: '1' } })).status, 400);
  });

  it("a machine admin token cannot act under a back-office reviewer's name (the audit trail must tell them apart)", async () => {
    await createReviewer(t.mongo.db, { _id: 'rev_bob', name: 'Bob', role: 'reviewer', passwordHash: 'not-used-here' });
    const asBob = await api(t, 'GET', '/admin/kyc/queue', { token: t.token('rev_bob', 'admin') });
    assert.deepEqual([asBob.status, asBob.body.code], [403, 40300]);
    assert.match(asBob.body.message, /back-office reviewer/);
    assert.equal((await api(t, 'GET', '/admin/kyc/queue', { token: t.token('rev_ops', 'admin') })).status, 200);
  });

  it('delivers every event once per event id, signed, despite a 500 on the first try', async () => {
    const accepted = () => [...receiver.accepted.keys()];
    await until(async () => accepted().some((id) => id.endsWith(':kyc.decision')) && accepted().filter((id) => id.endsWith(':kyc.status.changed')).length >= 4);
    assert.equal(receiver.badSignatures(), 0);
    for (const [id, count] of receiver.accepted) assert.equal(count, 1, `event ${id} accepted ${count} times`);
    assert.ok([...receiver.accepted.keys()].some((id) => id.endsWith(':kyc.decision')));
    assert.ok([...receiver.accepted.keys()].some((id) => id.endsWith(':kyc.status.changed')));
  });
});
