import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { SyntheticVideos } from '../support/synthetic-videos.js';
import { api, startAppUnderTest, type AppUnderTest } from '../helpers/app-under-test.js';
import { until } from '../helpers/journeys.js';

/** On the shipped fictional OpenSanctions list: fx-11-1, "Mustafa Ninida", born 1993-10-22, IQ. */
const LISTED = { name: 'NINIDA MUSTAFA', birthDate: '1993-10-22', nationality: 'IRQ' };

/** What a user's own `GET /status/{profileId}` may hold (domain/kyc-status-for-user.ts). */
const USER_STATUS_KEYS = ['agentUid', 'country', 'createdAt', 'decisions', 'document', 'faceMatch', 'failReason', 'liveness', 'profileId', 'provider',
  'recordId', 'resubmission', 'reviewOverdue', 'stage', 'status', 'updatedAt', 'userId'];

// Four journeys through the vision worker each: about 4 minutes at load 8 on 2 cores.
describe('sanctions screening over HTTP (real worker, dev lists loaded)', { timeout: 600_000 }, () => {
  let t: AppUnderTest;
  let videos: SyntheticVideos;
  const admin = () => t.token('ops_kim', 'admin');

  before(async () => {
    [t, videos] = await Promise.all([startAppUnderTest({ LIVENESS_MAX_ATTEMPTS: '1', RATE_LIMIT_PER_IP_PER_MINUTE: '100000' }), SyntheticVideos.create()]);
  });
  after(async () => {
    await t?.close();
    await videos?.cleanup();
  });

  /** A profile whose user confirms `fields`, then fails liveness once (so it lands in review either way). */
  async function profileConfirming(userId: string, fields: object, stills: [number, 'a' | 'a2' | 'b'], docExtras: object = {}, until_ = 'MANUAL_REVIEW'): Promise<string> {
    const token = t.token(userId);
    const profileId = (await api(t, 'POST', '/api/web/kycService/submit', { token, body: { userId, country: 'TH' } })).body.data.profileId;
    const doc = await api(t, 'POST', '/api/web/kycService/document', { token, body: { profileId, docType: 'PASSPORT', frontImageUrl: 'https://cdn.example/p.jpg', expiryDate: '2033-03-03', ...docExtras } });
    const confirmed = await api(t, 'POST', `/api/web/kycService/document/confirm?documentId=${doc.body.data.documentId}`, { token, body: fields });
    assert.equal(confirmed.status, 200);
    await api(t, 'POST', `/api/web/kycService/document/submit?documentId=${doc.body.data.documentId}`, { token });
    const { sessionId } = (await api(t, 'POST', `/api/web/kycService/liveness/start?profileId=${profileId}`, { token })).body.data;
    const form = new FormData();
    form.set('sessionId', sessionId);
    form.set('profileId', profileId);
    const [seconds, person] = stills;
    for (const [i, s] of [seconds, seconds + 0.5, seconds + 1].entries()) form.set(`video${i + 1}`, new Blob([new Uint8Array(await readFile(await videos.still(s, person)))]), 'v.mp4');
    await fetch(`${t.baseUrl}/api/web/kycService/liveness/verify`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
    // (a connection dropped under load is polled again)
    await until(async () => (await api(t, 'GET', `/api/web/kycService/status/${profileId}`, { token }).catch(() => null))?.body.data?.status.stage === until_);
    return profileId;
  }

  it('a confirmed name on the list goes to review with the hit; approval waits; the reviewer dismisses it, then approves', async () => {
    const profileId = await profileConfirming('scr_user_1', LISTED, [2, 'a']);
    const detail = await api(t, 'GET', `/admin/kyc/detail/${profileId}`, { token: admin() });
    const { screening, reviewReasons } = detail.body.data.profile;
    assert.match(reviewReasons.join('; '), /sanctions\/PEP screening: 1 possible match/);
    assert.equal(screening.hits.length, 1);
    const [hit] = screening.hits;
    assert.deepEqual([hit.entryId, hit.entryName, hit.origin, hit.resolution], ['opensanctions:fx-11-1', 'Mustafa Ninida', 'ONBOARDING', null]);
    assert.ok(hit.score >= 0.94 && hit.reasons.includes('birth date agrees (1993-10-22)'), JSON.stringify(hit));
    assert.match(screening.listVersion, /^(opensanctions|ofac-sdn):[0-9a-f]{64}$/);

    const list = await api(t, 'POST', '/admin/kyc/list', { token: admin(), body: { profileIds: [profileId] } });
    assert.equal(list.body.data.items[0].openScreeningHits, 1);
    const early = await api(t, 'POST', '/admin/kyc/update-status', { token: admin(), body: { profileId, status: '2', remark: 'looks fine' } });
    assert.deepEqual([early.status, early.body.message], [409, 'resolve the 1 open screening hit(s) first']);

    const bad = await api(t, 'POST', '/admin/kyc/screening/resolve', { token: admin(), body: { profileId, hitId: hit.hitId, outcome: 'MAYBE', reason: 'x' } });
    assert.equal(bad.status, 400);
    const asUser = await api(t, 'POST', '/admin/kyc/screening/resolve', { token: t.token('scr_user_1'), body: { profileId, hitId: hit.hitId, outcome: 'FALSE_POSITIVE', reason: 'it is me' } });
    assert.equal(asUser.status, 403, 'only reviewers resolve hits');
    const unknown = await api(t, 'POST', '/admin/kyc/screening/resolve', { token: admin(), body: { profileId, hitId: 'hit_nope', outcome: 'FALSE_POSITIVE', reason: 'no such hit' } });
    assert.equal(unknown.status, 409);
    const dismissed = await api(t, 'POST', '/admin/kyc/screening/resolve', { token: admin(), body: { profileId, hitId: hit.hitId, outcome: 'FALSE_POSITIVE', reason: 'different person: other birth place' } });
    assert.equal(dismissed.status, 200);
    assert.deepEqual([dismissed.body.data.screening.hits[0].resolution.reviewerId, dismissed.body.data.screening.hits[0].resolution.reason], ['ops_kim', 'different person: other birth place']);
    const twice = await api(t, 'POST', '/admin/kyc/screening/resolve', { token: admin(), body: { profileId, hitId: hit.hitId, outcome: 'TRUE_MATCH', reason: 'changed my mind' } });
    assert.equal(twice.status, 409);

    // A case that had a hit is high risk: a second, senior reviewer confirms the approval.
    const first = await api(t, 'POST', '/admin/kyc/update-status', { token: admin(), body: { profileId, status: '2', remark: 'cleared' } });
    assert.deepEqual([first.status, first.body.data.outcome], [200, 'APPROVAL_PENDING']);
    const approved = await api(t, 'POST', '/admin/kyc/update-status', { token: t.token('ops_lee', 'admin'), body: { profileId, status: '2', remark: 'confirmed' } });
    assert.deepEqual([approved.status, approved.body.data.outcome], [200, 'APPROVED']);
    await until(async () => (await api(t, 'GET', '/didit/status', { token: t.token('scr_user_1') })).body.user_kyc_status === 'verified');
    const mine = await api(t, 'GET', `/api/web/kycService/status/${profileId}`, { token: t.token('scr_user_1') });
    assert.equal(mine.status, 200);
    assert.deepEqual(Object.keys(mine.body.data.status).sort(), USER_STATUS_KEYS, 'the user\'s own status: the allowed fields only');
    assert.doesNotMatch(JSON.stringify(mine.body), /sanction|screening|ops_lee/i, 'the subject is not tipped off');
  });

  it('a true match rejects the profile with a neutral fail reason; an unlisted name has no hit', async () => {
    const profileId = await profileConfirming('scr_user_2', { ...LISTED, name: 'MUSTAFA NINIDA' }, [5, 'a']);
    const { hits } = (await api(t, 'GET', `/admin/kyc/detail/${profileId}`, { token: admin() })).body.data.profile.screening;
    const res = await api(t, 'POST', '/admin/kyc/screening/resolve', { token: admin(), body: { profileId, hitId: hits[0].hitId, outcome: 'TRUE_MATCH', reason: 'same person per passport copy' } });
    assert.equal(res.status, 200);
    await until(async () => (await api(t, 'GET', '/didit/status', { token: t.token('scr_user_2') })).body.user_kyc_status === 'rejected');
    const status = (await api(t, 'GET', '/didit/status', { token: t.token('scr_user_2') })).body;
    assert.doesNotMatch(JSON.stringify(status), /ninida|sanction|screening/i, 'the user is not tipped off');

    const clean = await profileConfirming('scr_user_3', { name: 'OKONKWO-BRENNAN TERESA', birthDate: '1988-02-14', nationality: 'IRL' }, [8, 'a']);
    const detail = (await api(t, 'GET', `/admin/kyc/detail/${clean}`, { token: admin() })).body.data.profile;
    assert.deepEqual(detail.screening.hits, []);
    assert.equal(detail.screening.problem, null);
    const lists = await api(t, 'GET', '/admin/kyc/screening/lists', { token: admin() });
    assert.deepEqual(lists.body.data.versions.map((v: any) => v.source).sort(), ['ofac-sdn', 'opensanctions']);
    assert.ok(lists.body.data.versions.every((v: any) => !v.path.includes('/')), 'file names, not server paths');
  });

  it('the same document on another user\'s profile → review with that profile linked; a blocklisted document → rejected', async () => {
    const passport = { docNumber: 'XK4471920', issueCountry: 'IRL' };
    const first = await profileConfirming('dup_user_1', { name: 'BRENNAN AOIFE', birthDate: '1990-07-07', nationality: 'IRL' }, [1.1, 'a'], passport);
    const firstDetail = (await api(t, 'GET', `/admin/kyc/detail/${first}`, { token: admin() })).body.data.profile;
    assert.deepEqual(firstDetail.screening.duplicates, [], 'the first holder has no duplicate');

    const second = await profileConfirming('dup_user_2', { name: 'NOLAN CIARA', birthDate: '1985-01-01', nationality: 'IRL' }, [3.3, 'a'], passport);
    const detail = (await api(t, 'GET', `/admin/kyc/detail/${second}`, { token: admin() })).body.data.profile;
    assert.deepEqual(detail.screening.duplicates, [{ profileId: first, userId: 'dup_user_1', match: 'DOCUMENT' }]);
    assert.match(detail.reviewReasons.join('; '), new RegExp(`duplicate identity: the same document as profile ${first}`));
    const own = await api(t, 'GET', `/api/web/kycService/status/${second}`, { token: t.token('dup_user_2') });
    assert.ok(!JSON.stringify(own.body).includes(first) && !JSON.stringify(own.body).includes('dup_user_1'), 'another customer\'s ids are not shown');

    const third = await profileConfirming('dup_user_3', { name: 'BRENNAN AOIFE', birthDate: '1990-07-07', nationality: 'IRL' }, [6.6, 'a'], { docNumber: 'ZZ0000001', issueCountry: 'IRL' });
    const thirdDetail = (await api(t, 'GET', `/admin/kyc/detail/${third}`, { token: admin() })).body.data.profile;
    assert.deepEqual(thirdDetail.screening.duplicates, [{ profileId: first, userId: 'dup_user_1', match: 'NAME_AND_BIRTH_DATE' }]);

    const blocked = await api(t, 'POST', '/admin/kyc/screening/blocklist', { token: admin(), body: { profileId: second, reason: 'document reported stolen' } });
    assert.equal(blocked.status, 200);
    assert.equal((await api(t, 'POST', '/admin/kyc/screening/blocklist', { token: admin(), body: { profileId: second, reason: 'again' } })).status, 409);
    assert.equal((await api(t, 'POST', '/admin/kyc/screening/blocklist', { token: t.token('dup_user_2'), body: { profileId: second, reason: 'mine' } })).status, 403);
    const items = (await api(t, 'GET', '/admin/kyc/screening/blocklist', { token: admin() })).body.data.items;
    assert.deepEqual(items.map((i: any) => [i.blockId, i.reason, i.addedBy]), [[blocked.body.data.blockId, 'document reported stolen', 'ops_kim']]);
    assert.doesNotMatch(JSON.stringify(items), /XK4471920/, 'the blocklist holds no document number');

    const fourth = await profileConfirming('dup_user_4', { name: 'WALSH MAEVE', birthDate: '1979-03-03', nationality: 'IRL' }, [9.4, 'a'], passport, 'REJECTED');
    const rejected = (await api(t, 'GET', `/admin/kyc/detail/${fourth}`, { token: admin() })).body.data.profile;
    assert.deepEqual([rejected.stage, rejected.failReason, rejected.decisions[0].adminId], ['REJECTED', 'rejected in manual review', 'system']);
    assert.match(rejected.decisions[0].remark, /blocklisted document: document reported stolen/);

    const blockId = blocked.body.data.blockId;
    assert.equal((await api(t, 'DELETE', `/admin/kyc/screening/blocklist/${blockId}`, { token: admin(), body: { reason: 'x' } })).status, 400, 'a reason, when given, says why');
    assert.equal((await api(t, 'DELETE', `/admin/kyc/screening/blocklist/${blockId}`, { token: t.token('ops_lee', 'admin'), body: { reason: 'passport found, theft report withdrawn' } })).status, 200);
    assert.equal((await api(t, 'DELETE', `/admin/kyc/screening/blocklist/${blockId}`, { token: admin() })).status, 404);
    // The removal is on record: what was blocked, by whom and why, and who removed it and why.
    const list = (await api(t, 'GET', '/admin/kyc/screening/blocklist', { token: admin() })).body.data;
    assert.deepEqual(list.items, []);
    assert.deepEqual(list.removed.map((r: any) => [r.blockId, r.kind, r.reason, r.addedBy, r.profileId, r.removedBy, r.removalReason]),
      [[blockId, 'DOCUMENT', 'document reported stolen', 'ops_kim', second, 'ops_lee', 'passport found, theft report withdrawn']]);
    assert.ok(Date.parse(list.removed[0].removedAt) >= Date.parse(list.removed[0].addedAt));
  });

  it("a user's export withholds screening: no duplicate link naming another customer, no hits", async () => {
    const exported = (await api(t, 'GET', '/admin/kyc/users/dup_user_3/export', { token: admin() })).body.data;
    assert.equal(exported.kyc_profiles.length, 1);
    assert.deepEqual([exported.kyc_profiles[0].screening, exported.kyc_profiles[0].reviewReasons], [undefined, undefined]);
    assert.doesNotMatch(JSON.stringify(exported), /dup_user_1/, "the duplicate's user id");
    assert.ok(exported.withheld.some((w: string) => /tipping-off/.test(w)), 'the export says what it withholds');
  });

  it('erasure deletes the screened person and the identity keys (export shows them before, without PII)', async () => {
    const userId = 'dup_user_1';
    const exported = (await api(t, 'GET', `/admin/kyc/users/${userId}/export`, { token: admin() })).body.data;
    assert.equal(exported.screening_subjects.length, 1);
    assert.equal(exported.screening_identities.length, 1);
    assert.doesNotMatch(JSON.stringify([exported.screening_subjects, exported.screening_identities]), /BRENNAN|XK4471920|1990-07-07/);

    const res = await api(t, 'POST', `/admin/kyc/users/${userId}/erasure`, { token: admin(), body: { legalBasis: 'data_subject_request' } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual([res.body.data.erased.screening_subjects, res.body.data.erased.screening_identities], [1, 1]);
    for (const name of ['screening_subjects', 'screening_identities']) {
      assert.equal(await t.mongo.db.collection(name).countDocuments({ userId }), 0, `${name} still holds the user`);
    }
    assert.equal(await t.mongo.db.collection('screening_identities').countDocuments({ userId: 'dup_user_3' }), 1, 'other users untouched');
  });
});
