import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { hashPassword } from '../../api/backoffice/passwords.js';
import { createReviewer, updateReviewer } from '../../stores/reviewers.store.js';
import { generateDocument } from '../support/synthetic-documents.js';
import { SyntheticVideos } from '../support/synthetic-videos.js';
import { api, startAppUnderTest, type AppUnderTest } from '../helpers/app-under-test.js';
import { launchChromium, skipWithoutChromium, withScreenshots } from '../helpers/browser.js';
import { failLiveness, profileInReview, until } from '../helpers/journeys.js';

/**
 * The reviewers' back office in a real browser (Debian chromium through playwright-core) against the
 * real API, worker, OCR and face engines: cases are made by users over the API, decided in the browser,
 * and the user's side (`/didit/status`, re-upload) is checked over the API again.
 * `KYCFLOW_SCREENSHOTS=1` also saves the queue and case pages used in README (docs/).
 */
const PASSWORD = 'correct horse battery staple';

describe('back office in the browser', { skip: skipWithoutChromium, timeout: 1_200_000 }, () => {
  let t: AppUnderTest;
  let videos: SyntheticVideos;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let logs = '';
  const pages: Page[] = [];

  before(async () => {
    [t, videos, browser] = await Promise.all([
      startAppUnderTest(
        { LIVENESS_MAX_ATTEMPTS: '1', REVIEW_MAX_RETRIES_PER_STEP: '2', REVIEW_FOUR_EYES_RULES: 'face_no_match,screening_hit,user_modified', BACKOFFICE_LOGIN_ATTEMPTS: '30', BACKOFFICE_LOGIN_FAILURES_PER_NAME: '5', LOG_LEVEL: 'debug' },
        { logStream: new Writable({ write: (chunk, _encoding, done) => void (logs += chunk.toString(), done()) }) },
      ),
      SyntheticVideos.create(),
      launchChromium(),
    ]);
    for (const [name, role] of [['anna', 'reviewer'], ['ben', 'reviewer'], ['dora', 'reviewer']] as const) {
      await createReviewer(t.mongo.db, { _id: name, name: name[0]!.toUpperCase() + name.slice(1), role, passwordHash: await hashPassword(PASSWORD) });
    }
  });

  /** `npm run reviewer` against this test's database, the password on stdin. */
  const reviewerCli = (args: string[], input: string) => spawnSync(process.execPath, ['--import', 'tsx', 'api/backoffice/reviewer-cli.ts', ...args], {
    input, encoding: 'utf8', timeout: 60_000, env: { ...process.env, MONGODB_URL: t.config.MONGODB_URL, MONGODB_DB: t.config.MONGODB_DB },
  });

  it('a name with too many failed sign-ins is refused, even with its password; other names are not', async () => {
    const page = await newPage();
    await page.goto(`${t.baseUrl}/backoffice/login`);
    const csrf = encodeURIComponent((await page.locator('input[name=_csrf]').getAttribute('value')) ?? '');
    const signIn = async (username: string, password: string) => (await page.context().request.post(`${t.baseUrl}/backoffice/login`, {
      headers: { 'content-type': 'application/x-www-form-urlencoded' }, data: `_csrf=${csrf}&username=${username}&password=${encodeURIComponent(password)}`, maxRedirects: 0,
    })).status();
    for (let i = 0; i < 5; i++) assert.equal(await signIn('dora', `wrong password ${i}`), 401);
    assert.equal(await signIn('dora', PASSWORD), 429, 'locked: the right password is not even checked');
    assert.equal(await signIn('nobody-here', 'x'), 401, 'other names go on');
    assert.equal(await signIn('anna', PASSWORD), 303, 'and other reviewers sign in');
  });

  it('the reviewer command adds accounts and refuses weak passwords', () => {
    const weak = reviewerCli(['add', 'sara', '--role', 'senior_reviewer'], 'short\n');
    assert.equal(weak.status, 2);
    assert.match(weak.stderr, /password refused: use at least 12 characters/);
    const added = reviewerCli(['add', 'sara', '--role', 'senior_reviewer', '--display', 'Sara'], `${PASSWORD}\n`);
    assert.equal(added.status, 0, added.stderr);
    assert.match(added.stdout, /reviewer sara \(senior_reviewer\) added/);
    assert.equal(reviewerCli(['add', 'sara'], `${PASSWORD}\n`).status, 2, 'names are unique');
    assert.match(reviewerCli(['list'], '').stdout, /sara\s+senior_reviewer\s+active\s+Sara/);
  });
  after(async () => {
    await browser?.close();
    await t?.close();
    await videos?.cleanup();
  });

  /** A fresh browser (own cookies) at 1280 px; `login` signs the reviewer in. */
  async function newPage(): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    contexts.push(context);
    const page = await context.newPage();
    page.on('dialog', (dialog) => void dialog.accept()); // the FINAL rejection asks for confirmation
    pages.push(page);
    return page;
  }
  async function login(name: string): Promise<Page> {
    const page = await newPage();
    await page.goto(`${t.baseUrl}/backoffice/queue`);
    await page.getByLabel('User name').fill(name);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/backoffice\/queue/);
    return page;
  }
  const step = <T>(name: string, body: () => Promise<T>) => withScreenshots(name, pages, body);

  /** The user's side over the API: a profile with a real uploaded passport, taken to manual review. */
  async function caseInReview(userId: string, seed: number, stills: [number, 'a' | 'a2' | 'b'], opts: { modify?: boolean } = {}) {
    const token = t.token(userId);
    const profileId = (await api(t, 'POST', '/api/web/kycService/submit', { token, body: { userId, country: 'SG' } })).body.data.profileId as string;
    const uploaded = await uploadPassport(token, profileId, seed);
    const fields = opts.modify ? { name: `${uploaded.data.name} JR` } : {};
    await api(t, 'POST', `/api/web/kycService/document/confirm?documentId=${uploaded.data.documentId}`, { token, body: fields });
    await api(t, 'POST', `/api/web/kycService/document/submit?documentId=${uploaded.data.documentId}`, { token });
    await failLiveness(t, videos, userId, profileId, stills);
    return { profileId, ...uploaded };
  }
  async function uploadPassport(token: string, profileId: string, seed: number) {
    const doc = await generateDocument({ kind: 'TD3', seed });
    const form = new FormData();
    form.set('profileId', profileId);
    form.set('docType', 'PASSPORT');
    form.set('country', 'SG');
    form.set('frontImage', new Blob([new Uint8Array(doc.png)]), 'passport.png');
    const res = await fetch(`${t.baseUrl}/api/web/kycService/document/upload`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
    const body = (await res.json()) as any;
    assert.equal(res.status, 200, `upload of synthetic passport ${seed}: ${JSON.stringify(body)}`);
    return { data: body.data, png: doc.png };
  }
  const didit = async (userId: string) => (await api(t, 'GET', '/didit/status', { token: t.token(userId) })).body;
  const openCase = async (page: Page, profileId: string) => {
    await page.goto(`${t.baseUrl}/backoffice/cases/${profileId}`);
    await page.getByRole('heading', { name: `Case ${profileId}` }).waitFor();
  };
  const flash = (page: Page) => page.locator('.flash[role=status], .flash[role=alert]').first().textContent();

  it('sign-in: a wrong password and a form without its CSRF token are refused; the right password opens the queue', async () => {
    const page = await newPage();
    await step('sign-in', async () => {
      const answer = await page.goto(`${t.baseUrl}/backoffice/queue`);
      assert.match(page.url(), /\/backoffice\/login\?next=/, 'pages need a signed-in reviewer');
      assert.equal(answer?.status(), 200);
      await page.getByLabel('User name').fill('anna');
      await page.getByLabel('Password').fill('not the password');
      const refused = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/backoffice/login') && r.request().method() === 'POST'), page.getByRole('button', { name: 'Sign in' }).click()]);
      assert.equal(refused[0].status(), 401);
      assert.equal(await page.getByRole('alert').textContent(), 'Wrong user name or password.');

      // The same POST without the CSRF token, with and without the browser's session cookie.
      const cookies = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
      const session = cookies.match(/kycflow_backoffice=[^;]+/)?.[0];
      assert.ok(session, 'the sign-in page set a session cookie');
      const cookie = (await page.context().cookies()).find((c) => c.name === 'kycflow_backoffice')!;
      assert.deepEqual([cookie.httpOnly, cookie.sameSite, cookie.path], [true, 'Strict', '/backoffice']);
      for (const headers of [{}, { cookie: session }] as Array<Record<string, string>>) {
        const forged = await fetch(`${t.baseUrl}/backoffice/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: `username=anna&password=${encodeURIComponent(PASSWORD)}`, redirect: 'manual' });
        assert.equal(forged.status, 403, 'a POST without the CSRF token is refused');
        assert.match(await forged.text(), /This form has expired or did not come from the back office/);
      }

      // Forms no reviewer sends (overlong or repeated fields, JSON of the wrong types) are a failed
      // sign-in, not a server error.
      const csrf = encodeURIComponent((await page.locator('input[name=_csrf]').getAttribute('value')) ?? '');
      const odd: Array<[string, string]> = [
        ['application/x-www-form-urlencoded', `_csrf=${csrf}&username=${'x'.repeat(33)}&password=x`],
        ['application/x-www-form-urlencoded', `_csrf=${csrf}&username=anna&password=${'x'.repeat(257)}`],
        ['application/x-www-form-urlencoded', `_csrf=${csrf}&username=a&username=b&password=x`],
        ['application/x-www-form-urlencoded', `_csrf=${csrf}&username=anna&password=x&next=/backoffice/${'a'.repeat(300)}`],
        ['application/json', JSON.stringify({ _csrf: decodeURIComponent(csrf), username: 123, password: ['x'] })],
      ];
      for (const [type, data] of odd) {
        const res = await page.context().request.post(`${t.baseUrl}/backoffice/login`, { headers: { 'content-type': type }, data, maxRedirects: 0 });
        assert.equal(res.status(), 401, data.slice(0, 60));
      }

      // A `next` too long to follow is not carried into the form: signing in from it opens the queue.
      await page.goto(`${t.baseUrl}/backoffice/queue?q=${'a'.repeat(320)}`);
      assert.equal(await page.locator('input[name=next]').getAttribute('value'), '');
      await page.getByLabel('User name').fill('anna');
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(/\/backoffice\/queue$/);
      await page.getByText('Signed in as').waitFor();
      assert.match(await page.locator('.who').textContent() ?? '', /Anna \(reviewer\)/);
      assert.match(logs, /"msg":"request body"/, 'request bodies are logged at debug level here');
      assert.ok(!logs.includes(PASSWORD) && !logs.includes('not the password'), 'passwords never reach the logs');
    });
  });

  it('the queue shows a case created through the API; its page shows the uploaded image and the fields; approving it verifies the user', async () => {
    const userId = 'bo_user_a';
    const made = await caseInReview(userId, 7, [2, 'a']);
    const page = await login('anna');
    await step('queue-and-approve', async () => {
      await page.goto(`${t.baseUrl}/backoffice/queue`);
      const row = page.getByRole('row').filter({ hasText: made.profileId });
      await row.waitFor();
      assert.match(await row.textContent() ?? '', /liveness failed/);
      await page.getByLabel('Country').selectOption('SG');
      await page.getByRole('button', { name: 'Apply' }).click();
      await page.getByRole('row').filter({ hasText: made.profileId }).waitFor();
      assert.match(await page.locator('caption').first().textContent() ?? '', /1 case match/);

      await page.getByRole('link', { name: made.profileId }).click();
      await page.getByRole('heading', { name: `Case ${made.profileId}` }).waitFor();
      const front = page.getByRole('img', { name: 'Document front side' });
      await front.waitFor();
      assert.ok(await front.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0), 'the document image loads');
      const served = await page.context().request.get(t.baseUrl + (await front.getAttribute('src')));
      assert.equal(createHash('sha256').update(await served.body()).digest('hex'), createHash('sha256').update(made.png).digest('hex'), 'the very bytes the user uploaded');
      const nameRow = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'name' }) });
      assert.match(await nameRow.textContent() ?? '', new RegExp(made.data.name));
      if (process.env.KYCFLOW_SCREENSHOTS) await page.screenshot({ path: new URL('../../docs/backoffice-case.png', import.meta.url).pathname, fullPage: false });
      await page.getByRole('button', { name: 'Rotate the front image a quarter turn' }).click();
      assert.match(await front.getAttribute('style') ?? '', /rotate\(90deg\)/);

      await page.locator('#approve-comment').fill('document and selfie checked by hand');
      await page.getByRole('button', { name: 'Approve', exact: true }).click();
      await page.waitForURL(new RegExp(`/backoffice/cases/${made.profileId}$`));
      assert.equal(await flash(page), 'Approved.');
      await until(async () => (await didit(userId)).user_kyc_status === 'verified');
      assert.match(await page.locator('.timeline').first().textContent() ?? '', /anna.*MANUAL_REVIEW → APPROVED/s);
    });
  });

  it('a document RETRY: the user sees what to fix in /didit/status, re-uploads, and the case comes back', async () => {
    const userId = 'bo_user_b';
    const made = await caseInReview(userId, 11, [3.5, 'a']);
    const page = await login('ben');
    await step('retry', async () => {
      await openCase(page, made.profileId);
      await page.getByRole('button', { name: 'Claim this case' }).click();
      assert.match(await flash(page) ?? '', /You have claimed this case/);
      await page.getByLabel('Document upload').check();
      await page.getByLabel('Message to the user (they see this)').fill('The photo of your passport is blurred. Please take a new one in good light.');
      await page.getByLabel('Internal comment (optional, never shown to the user)').fill('MRZ hard to read');
      await page.getByRole('button', { name: 'Request resubmission' }).click();
      assert.equal(await flash(page), 'Resubmission requested: the user has been told what to redo.');
    });
    await until(async () => (await didit(userId)).latest_kyc?.status === 'rejected');
    const owed = await didit(userId);
    assert.deepEqual([owed.can_submit_kyc, owed.user_kyc_status, owed.latest_kyc.pokepay_status, owed.latest_kyc.fail_reason],
      [true, 'pending', 3, 'The photo of your passport is blurred. Please take a new one in good light.']);
    assert.doesNotMatch(JSON.stringify(owed), /MRZ hard to read|ben/);

    const token = t.token(userId);
    const again = await uploadPassport(token, made.profileId, 13);
    await api(t, 'POST', `/api/web/kycService/document/confirm?documentId=${again.data.documentId}`, { token, body: {} });
    const submitted = await api(t, 'POST', `/api/web/kycService/document/submit?documentId=${again.data.documentId}`, { token });
    assert.equal(submitted.status, 200, JSON.stringify(submitted.body));
    await failLiveness(t, videos, userId, made.profileId, [2, 'a2']); // no passed selfie to reuse: liveness again
    await step('retry-back', async () => {
      await page.goto(`${t.baseUrl}/backoffice/queue?reason=RESUBMITTED`);
      await page.getByRole('row').filter({ hasText: made.profileId }).waitFor();
      await openCase(page, made.profileId);
      assert.match(await page.locator('#reasons-title + ul').textContent() ?? '', /resubmitted after RETRY 1 of the document/);
      const nameRow = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'name' }) });
      assert.match(await nameRow.textContent() ?? '', new RegExp(again.data.name), 'the new document is shown');
      assert.match(await page.locator('.facts').first().textContent() ?? '', /document 1 \/ 2/);
    });
    assert.equal((await didit(userId)).latest_kyc.status, 'processing');
  });

  it('a FINAL rejection with a reason code tells the user the reason\'s message', async () => {
    const userId = 'bo_user_c';
    const made = await caseInReview(userId, 17, [5, 'a']);
    const page = await login('ben');
    await step('final', async () => {
      await openCase(page, made.profileId);
      await page.getByLabel('Reason', { exact: true }).selectOption('SPOOFING');
      await page.locator('#reject-comment').fill('a photo held up to the camera');
      await page.getByRole('button', { name: 'Reject for good' }).click();
      assert.equal(await flash(page), 'Rejected (FINAL).');
      assert.match(await page.locator('.timeline').nth(1).textContent() ?? '', /REJECT_FINAL: Presentation attack/);
    });
    await until(async () => (await didit(userId)).user_kyc_status === 'rejected');
    assert.equal((await didit(userId)).latest_kyc.fail_reason, 'We could not confirm that you took part in the liveness check in person.');
  });

  it('four eyes: a high-risk approval waits for a second, senior reviewer; a claim shows who has the case', async () => {
    const userId = 'bo_user_d';
    const made = await caseInReview(userId, 19, [6.5, 'a'], { modify: true }); // fields changed by the user: high risk here
    const anna = await login('anna');
    const ben = await login('ben');
    const sara = await login('sara');
    await step('four-eyes', async () => {
      await openCase(anna, made.profileId);
      assert.match(await anna.locator('.flash-risk').textContent() ?? '', /the user changed fields/);
      await anna.getByRole('button', { name: 'Claim this case' }).click();
      await openCase(ben, made.profileId);
      assert.match(await ben.locator('.claim').textContent() ?? '', /Claimed by anna/);
      assert.equal(await ben.getByRole('button', { name: /Approve/ }).count(), 0, 'no decision buttons while someone else holds the claim');

      await anna.getByRole('button', { name: 'Approve (first of two)' }).click();
      assert.match(await flash(anna) ?? '', /needs a senior reviewer to confirm/);
      assert.ok(await anna.getByRole('button', { name: 'Approve', exact: true }).isDisabled(), 'the first approver cannot confirm');

      await openCase(ben, made.profileId);
      assert.ok(await ben.getByRole('button', { name: 'Approve', exact: true }).isDisabled(), 'a reviewer cannot confirm');
      assert.match(await ben.locator('#approve-why').textContent() ?? '', /confirming needs a senior reviewer/);

      await openCase(sara, made.profileId);
      await sara.getByRole('button', { name: 'Confirm approval (second of two)' }).click();
      assert.equal(await flash(sara), 'Approved.');
      assert.match(await sara.locator('.timeline').nth(1).textContent() ?? '', /sara \(confirming anna\)/);
    });
    await until(async () => (await didit(userId)).user_kyc_status === 'verified');
    if (process.env.KYCFLOW_SCREENSHOTS) {
      await caseInReview('bo_user_e', 23, [8, 'a']);
      await sara.goto(`${t.baseUrl}/backoffice/queue`);
      await sara.screenshot({ path: new URL('../../docs/backoffice-queue.png', import.meta.url).pathname });
    }
  });

  it('a sanctions hit is shown on the case page and resolved there: a bad form is refused, a false positive is dismissed with who and why', async () => {
    // On the shipped fictional OpenSanctions list: fx-11-1, "Mustafa Ninida", born 1993-10-22.
    const profileId = await profileInReview(t, videos, 'bo_user_scr', [11, 'a'], { name: 'NINIDA MUSTAFA', birthDate: '1993-10-22', nationality: 'IRQ' });
    const page = await login('ben');
    await step('screening-hit', async () => {
      await openCase(page, profileId);
      const hit = () => page.getByRole('article', { name: /Mustafa Ninida/ });
      assert.match(await hit().textContent() ?? '', /open.*birth date agrees \(1993-10-22\)/s);

      // The server checks the form too (the browser's own checks switched off here).
      await hit().locator('form').evaluate((form: HTMLFormElement) => void (form.noValidate = true));
      await hit().getByLabel(/No: a false positive/).check();
      await hit().getByLabel(/^Why/).fill('x');
      await hit().getByRole('button', { name: 'Resolve this hit' }).click();
      assert.equal(await flash(page), 'reason: say why (at least 3 characters)');

      await hit().getByLabel(/No: a false positive/).check();
      await hit().getByLabel(/^Why/).fill('namesake: born in another city, different passport');
      await hit().getByRole('button', { name: 'Resolve this hit' }).click();
      assert.equal(await flash(page), 'Hit dismissed as a false positive.');
      assert.match(await hit().textContent() ?? '', /false positive.*Resolved by ben.*namesake: born in another city/s);
      assert.equal(await hit().locator('form').count(), 0, 'a resolved hit has no form');
    });
    const detail = await api(t, 'GET', `/admin/kyc/detail/${profileId}`, { token: t.token('ops', 'admin') });
    const { outcome, reviewerId } = detail.body.data.profile.screening.hits[0].resolution;
    assert.deepEqual([outcome, reviewerId], ['FALSE_POSITIVE', 'ben']);
  });

  it('a POST without its CSRF token changes nothing; signing out or disabling the account ends the session', async () => {
    const userId = 'bo_user_f';
    const made = await caseInReview(userId, 29, [9.5, 'a']);
    const page = await login('ben');
    await step('session-end', async () => {
      const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
      const forged = await fetch(`${t.baseUrl}/backoffice/cases/${made.profileId}/decision`, { method: 'POST', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: 'action=APPROVE', redirect: 'manual' });
      assert.equal(forged.status, 403);
      const still = await api(t, 'GET', `/admin/kyc/detail/${made.profileId}`, { token: t.token('ops', 'admin') });
      assert.equal(still.body.data.profile.stage, 'MANUAL_REVIEW', 'nothing was decided');

      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForURL(/\/backoffice\/login$/);
      const replayed = await fetch(`${t.baseUrl}/backoffice/queue`, { headers: { cookie }, redirect: 'manual' });
      assert.equal(replayed.status, 303, 'the old cookie no longer signs anyone in');

      const sara = await login('sara');
      await updateReviewer(t.mongo.db, 'sara', { disabled: true });
      await sara.goto(`${t.baseUrl}/backoffice/queue`);
      assert.match(sara.url(), /\/backoffice\/login/);
    });
  });

  it('limits sign-in attempts per client; unknown pages are a 404 page', async () => {
    const page = await newPage();
    const missing = await page.goto(`${t.baseUrl}/backoffice/no-such-page`);
    assert.equal(missing?.status(), 404);
    await page.getByRole('heading', { name: 'Not found' }).waitFor();
    await page.goto(`${t.baseUrl}/backoffice/login`);
    await step('rate-limit', async () => {
    let status = 0;
    for (let i = 0; i < 25 && status !== 429; i++) {
      await page.getByLabel('User name').fill('nobody');
      await page.getByLabel('Password').fill(`guess ${i}`);
      const [response] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.getByRole('button', { name: 'Sign in' }).click()]);
      status = response.status();
      if (status === 429) break;
      await page.waitForLoadState();
    }
    assert.equal(status, 429);
    assert.match(await page.locator('main').textContent() ?? '', /Too many attempts[\s\S]*retry in/);
    });
  });
});
