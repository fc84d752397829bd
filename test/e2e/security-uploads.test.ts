import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { connect } from 'node:net';
import sharp from 'sharp';
import { SyntheticVideos } from '../support/synthetic-videos.js';
import { api, startAppUnderTest, type AppUnderTest } from '../helpers/app-under-test.js';
import { photoLikeJpeg } from '../helpers/images.js';
import { until } from '../helpers/journeys.js';

/**
 * Sessions here expire quickly, so one test can see a session expire; long enough that the others
 * (a session started, three clips uploaded and scored) finish in time on a loaded 2-core machine.
 */
const SESSION_TTL_S = 25;

type Part = { name: string; value: string } | { name: string; file: Buffer; filename: string };

/** A multipart body by hand, so it can be malformed on purpose. */
function multipart(parts: Part[], { closed = true } = {}) {
  const boundary = '----kycflow-test-boundary-7MA4YWxkTrZu0gW';
  const chunks = parts.map((part) => Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"${'file' in part ? `; filename="${part.filename}"\r\nContent-Type: application/octet-stream` : ''}\r\n\r\n`),
    'file' in part ? part.file : Buffer.from(part.value),
    Buffer.from('\r\n'),
  ]));
  if (closed) chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

/**
 * Upload defects an adversarial probe found (issue #14): every failure of a multipart request
 * answers 4xx and leaves no file behind; a refused liveness verify uses nothing up; only real
 * video formats are taken as video.
 */
describe('security: uploads', { timeout: 240_000 }, () => {
  let t: AppUnderTest;
  let videos: SyntheticVideos;
  let jpeg: Buffer;

  before(async () => {
    [t, videos, jpeg] = await Promise.all([startAppUnderTest({ LIVENESS_SESSION_TTL_SECONDS: String(SESSION_TTL_S) }), SyntheticVideos.create(), photoLikeJpeg()]);
  });
  after(async () => {
    await t?.close();
    await videos?.cleanup();
  });

  /** The user's stored files, and chunks of files no longer listed (a half-deleted upload). */
  const storedFiles = (userId: string) => t.mongo.db.collection('uploads.files').countDocuments({ 'metadata.userId': userId });
  async function orphanChunks() {
    const ids = await t.mongo.db.collection('uploads.files').distinct('_id');
    return t.mongo.db.collection('uploads.chunks').countDocuments({ files_id: { $nin: ids } });
  }
  async function assertNothingStored(userId: string) {
    // A cut-off request is cleaned up as the server notices it: give it a moment.
    await until(async () => (await storedFiles(userId)) === 0 && (await orphanChunks()) === 0, 50).catch(() => undefined);
    assert.equal(await storedFiles(userId), 0, `${userId}: files left in storage`);
    assert.equal(await orphanChunks(), 0, `${userId}: chunks left in storage`);
  }

  async function post(path: string, token: string, form: { body: Buffer; contentType: string }) {
    const res = await fetch(`${t.baseUrl}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': form.contentType }, body: new Uint8Array(form.body) });
    return { status: res.status, body: (await res.json()) as any };
  }

  /** Sends the headers and `sent` bytes of a body that claims to be longer, then drops the connection. */
  async function cutOff(path: string, token: string, form: { body: Buffer; contentType: string }, sent: number) {
    const { port } = new URL(t.baseUrl);
    const socket = connect(Number(port), '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    socket.write(`POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\nContent-Type: ${form.contentType}\r\nContent-Length: ${form.body.length}\r\n\r\n`);
    socket.write(form.body.subarray(0, sent));
    await new Promise((r) => setTimeout(r, 300));
    socket.destroy();
  }

  async function newProfile(userId: string) {
    const token = t.token(userId);
    const profileId = (await api(t, 'POST', '/api/web/kycService/submit', { token, body: { userId, country: 'SG' } })).body.data.profileId as string;
    return { token, profileId };
  }

  /** A profile at the liveness step (metadata document path) with an open session. */
  async function livenessProfile(userId: string) {
    const { token, profileId } = await newProfile(userId);
    const doc = await api(t, 'POST', '/api/web/kycService/document', { token, body: { profileId, docType: 'ID_CARD', frontImageUrl: 'https://cdn.example/id.jpg', expiryDate: '2034-01-01' } });
    await api(t, 'POST', `/api/web/kycService/document/confirm?documentId=${doc.body.data.documentId}`, { token, body: {} });
    await api(t, 'POST', `/api/web/kycService/document/submit?documentId=${doc.body.data.documentId}`, { token });
    const session = (await api(t, 'POST', `/api/web/kycService/liveness/start?profileId=${profileId}`, { token })).body.data;
    return { token, profileId, sessionId: session.sessionId as string };
  }
  /** ACTIVE while open; an expired session (410) carries the session itself as data. */
  const sessionStatus = async (token: string, sessionId: string) => {
    const { body } = await api(t, 'GET', `/api/web/kycService/liveness/session/${sessionId}`, { token });
    return body.data?.session?.status ?? body.data?.status;
  };
  const unused = ['ACTIVE', 'EXPIRED'];

  describe('document upload: parser failures store nothing and answer 4xx', () => {
    const docFields = (profileId: string): Part[] => [{ name: 'profileId', value: profileId }, { name: 'docType', value: 'PASSPORT' }, { name: 'country', value: 'SG' }];

    it('too many files', async () => {
      const { token, profileId } = await newProfile('mp_files');
      const files = ['frontImage', 'backImage', 'frontImage', 'backImage'].map((name, i) => ({ name, file: jpeg, filename: `${i}.jpg` }));
      const res = await post('/api/web/kycService/document/upload', token, multipart([...files, ...docFields(profileId)]));
      assert.ok(res.status >= 400 && res.status < 500, `status ${res.status}`);
      assert.equal(res.body.code, res.status * 100);
      await assertNothingStored('mp_files');
    });

    it('too many fields after a stored file', async () => {
      const { token, profileId } = await newProfile('mp_fields');
      const extra = Array.from({ length: 12 }, (_, i) => ({ name: `extra${i}`, value: 'x' }));
      const res = await post('/api/web/kycService/document/upload', token, multipart([{ name: 'frontImage', file: jpeg, filename: 'a.jpg' }, ...docFields(profileId), ...extra]));
      assert.equal(res.status, 413);
      assert.match(res.body.message, /too many/);
      await assertNothingStored('mp_fields');
    });

    it('a body without its closing boundary is a 400, not a 500', async () => {
      const { token, profileId } = await newProfile('mp_boundary');
      const res = await post('/api/web/kycService/document/upload', token, multipart([{ name: 'frontImage', file: jpeg, filename: 'a.jpg' }, ...docFields(profileId)], { closed: false }));
      assert.equal(res.status, 400);
      assert.match(res.body.message, /malformed or cut off/);
      await assertNothingStored('mp_boundary');
    });

    it('a connection dropped mid-body', async () => {
      const { token, profileId } = await newProfile('mp_cut');
      const form = multipart([{ name: 'frontImage', file: jpeg, filename: 'a.jpg' }, { name: 'backImage', file: jpeg, filename: 'b.jpg' }, ...docFields(profileId)]);
      await cutOff('/api/web/kycService/document/upload', token, form, jpeg.length + jpeg.length / 2);
      await assertNothingStored('mp_cut');
    });
  });

  describe('liveness verify', () => {
    const form = async (sessionId: string, profileId: string, files: Record<string, Buffer>) =>
      multipart([{ name: 'sessionId', value: sessionId }, { name: 'profileId', value: profileId }, ...Object.entries(files).map(([name, file]) => ({ name, file, filename: `${name}.mp4` }))]);
    const verify = async (token: string, sessionId: string, profileId: string, files: Record<string, Buffer>) =>
      post('/api/web/kycService/liveness/verify', token, await form(sessionId, profileId, files));

    it('too many files and a missing closing boundary store nothing', async () => {
      const { token, profileId, sessionId } = await livenessProfile('mp_live');
      const still = await readFile(await videos.still(2));
      const four = multipart([{ name: 'sessionId', value: sessionId }, { name: 'profileId', value: profileId }, ...['video1', 'video2', 'video3', 'video4'].map((name) => ({ name, file: still, filename: 'v.mp4' }))]);
      const many = await post('/api/web/kycService/liveness/verify', token, four);
      assert.ok(many.status >= 400 && many.status < 500, `status ${many.status}`);
      const open = multipart([{ name: 'sessionId', value: sessionId }, { name: 'profileId', value: profileId }, { name: 'video1', file: still, filename: 'v.mp4' }], { closed: false });
      assert.equal((await post('/api/web/kycService/liveness/verify', token, open)).status, 400);
      await assertNothingStored('mp_live');
      assert.ok(unused.includes(await sessionStatus(token, sessionId)), 'no attempt used');
    });

    it('an AVIF or HEIC still is not a video: 415, and the session stays open', async () => {
      const { token, profileId, sessionId } = await livenessProfile('avif_user');
      const avif = await sharp(jpeg).avif({ quality: 40 }).toBuffer();
      assert.equal(avif.subarray(4, 12).toString('latin1'), 'ftypavif');
      const heicHeader = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypheic\0\0\0\0mif1heic'), Buffer.alloc(400, 7)]);
      const still = await readFile(await videos.still(2));
      for (const image of [avif, heicHeader]) {
        const res = await verify(token, sessionId, profileId, { video1: image, video2: still, video3: still });
        assert.equal(res.status, 415, JSON.stringify(res.body));
        assert.match(res.body.message, /video1: unsupported file type/);
      }
      assert.ok(unused.includes(await sessionStatus(token, sessionId)), 'no attempt used');
      await assertNothingStored('avif_user');
    });

    it('the same file twice is a 400 that uses nothing up: the honest retry is taken', async () => {
      const { token, profileId, sessionId } = await livenessProfile('twice_user');
      const [a, b, c] = await Promise.all([21, 22, 23].map(async (seed) => readFile(await videos.handheld(seed, 3))));
      const twice = await verify(token, sessionId, profileId, { video1: a!, video2: a!, video3: c! });
      assert.equal(twice.status, 400);
      assert.match(twice.body.message, /video1 and video2 are the same file/);
      await assertNothingStored('twice_user');
      const honest = await verify(token, sessionId, profileId, { video1: a!, video2: b!, video3: c! });
      assert.equal(honest.status, 422, `scored, not refused as a replay: ${JSON.stringify(honest.body.message)}`);
      assert.equal(honest.body.code, 20001);
      assert.ok(honest.body.data.list.every((r: any) => !/used before|same recording/.test(r.reason ?? '')), JSON.stringify(honest.body.data.list));
    });

    it('a recorded clip with bytes appended is recognised by its frames as a replay', async () => {
      const { token, profileId, sessionId } = await livenessProfile('replay_user');
      const clips = await Promise.all([11, 12, 13].map(async (seed) => readFile(await videos.handheld(seed, 3))));
      const first = await verify(token, sessionId, profileId, { video1: clips[0]!, video2: clips[1]!, video3: clips[2]! });
      assert.equal(first.status, 422, JSON.stringify(first.body.message));
      assert.ok(first.body.data.list.every((r: any) => !/used before/.test(r.reason ?? '')), 'new recordings are not replays');
      const again = (await api(t, 'POST', `/api/web/kycService/liveness/start?profileId=${profileId}`, { token })).body.data.sessionId;
      const padded = clips.map((clip) => Buffer.concat([clip, Buffer.from('a few more bytes')]));
      const replayed = await verify(token, again, profileId, { video1: padded[0]!, video2: padded[1]!, video3: padded[2]! });
      assert.equal(replayed.status, 422, JSON.stringify(replayed.body.message));
      for (const result of replayed.body.data.list) assert.match(result.reason, /this recording was used before/);
    });

    it('an expired session is a 410 that uses nothing up: the same videos work in a new session', async () => {
      const { token, profileId, sessionId } = await livenessProfile('expired_user');
      const [a, b, c] = await Promise.all([31, 32, 33].map(async (seed) => readFile(await videos.handheld(seed, 3))));
      await new Promise((r) => setTimeout(r, SESSION_TTL_S * 1_000 + 500));
      const late = await verify(token, sessionId, profileId, { video1: a!, video2: b!, video3: c! });
      assert.equal(late.status, 410, JSON.stringify(late.body));
      assert.equal(late.body.code, 41000);
      await assertNothingStored('expired_user');
      const fresh = (await api(t, 'POST', `/api/web/kycService/liveness/start?profileId=${profileId}`, { token })).body.data.sessionId;
      assert.notEqual(fresh, sessionId);
      const retry = await verify(token, fresh, profileId, { video1: a!, video2: b!, video3: c! });
      assert.equal(retry.status, 422, `scored, not refused as a replay: ${JSON.stringify(retry.body.message)}`);
      assert.ok(retry.body.data.list.every((r: any) => !/used before|same recording/.test(r.reason ?? '')), JSON.stringify(retry.body.data.list));
    });
  });
});
