import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { ApplicationFailure } from '@temporalio/common';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { DocumentRead } from '../../domain/kyc-document.js';
import { confirmDocumentUpdate, getStatusQuery, submitDocumentUpdate, uploadDocumentUpdate } from '../../workflows/kyc-profile.messages.js';
import { kycProfileWorkflow } from '../../workflows/kyc-profile.workflow.js';
import { createTimeSkippingEnv, skipWithoutTimeSkipping, withProfileWorkers } from '../helpers/time-skipping.js';
import { recordHistory } from '../helpers/histories.js';
import { GOOD_QUALITY_SCORES, passingProfileActivities } from '../helpers/profile-fakes.js';

const mrzRead: DocumentRead = {
  source: 'MRZ',
  mrzFormat: 'TD3',
  mrzValid: true,
  fields: { name: 'ERIKSSON ANNA MARIA', idNumber: 'L898902C3', birthDate: '1974-08-12', expiryDate: '2034-04-15', issuer: 'UTO', nationality: 'UTO' },
  confidence: { name: 0.95, idNumber: 0.99 },
  errors: [],
};

/** Fake activities: the workflow's decisions are under test here, not OCR (see test/unit/ocr). */
function fakeActivities(read: DocumentRead | 'unreadable', qualityPassed = true) {
  const discarded: string[][] = [];
  return {
    discarded,
    activities: {
      ...passingProfileActivities(read as DocumentRead),
      checkDocumentQuality: async () => {
        if (read === 'unreadable') throw ApplicationFailure.nonRetryable('Input image exceeds pixel limit', 'UnreadableImage');
        return { passed: qualityPassed, scores: GOOD_QUALITY_SCORES, errors: qualityPassed ? [] : [{ code: 'BLURRY', message: 'front image: blurry' }] };
      },
      readDocument: async () => read as DocumentRead,
      discardFiles: async ({ fileIds }: { fileIds: string[] }) => void discarded.push(fileIds),
    },
  };
}

describe('kycProfileWorkflow document step (time-skipping server)', { skip: skipWithoutTimeSkipping, timeout: 120_000 }, () => {
  let env: TestWorkflowEnvironment;
  let n = 0;
  before(async () => (env = await createTimeSkippingEnv()));
  after(async () => env?.teardown());

  async function withProfile<T>(fakes: ReturnType<typeof fakeActivities>, body: (handle: any) => Promise<T>): Promise<T> {
    const taskQueue = `doc-${++n}`;
    return withProfileWorkers(env, taskQueue, fakes.activities, async () => {
      const handle = await env.client.workflow.start(kycProfileWorkflow, {
        workflowId: `kyc-profile:doc-test-${n}`,
        taskQueue,
        args: [{ profileId: `profile_${String(n).padStart(24, '0')}`, userId: 'u1', country: 'SG', ttlMs: 3_600_000 }],
      });
      return body(handle);
    });
  }

  const upload = { docType: 'PASSPORT' as const, country: 'SG', frontFileId: 'f1', backFileId: null };

  it('upload → confirm unchanged → submit approves the document automatically (status 1)', async () => {
    await withProfile(fakeActivities(mrzRead), async (handle) => {
      const uploaded = await handle.executeUpdate(uploadDocumentUpdate, { args: [upload] });
      assert.equal(uploaded.ok, true);
      assert.equal(uploaded.fields.name, 'ERIKSSON ANNA MARIA');
      assert.ok(uploaded.documentId >= 100_000_000_000 && uploaded.documentId < 1_000_000_000_000);
      const confirmed = await handle.executeUpdate(confirmDocumentUpdate, { args: [{ documentId: uploaded.documentId, fields: { name: 'eriksson  anna maria' }, userModified: false }] });
      assert.equal(confirmed.userModified, false, 'case and spacing are not modifications');
      const submitted = await handle.executeUpdate(submitDocumentUpdate, { args: [{ documentId: uploaded.documentId }] });
      assert.equal(submitted.status, 1);
      const status = await handle.query(getStatusQuery);
      assert.equal(status.stage, 'LIVENESS');
      assert.equal(status.document.reviewStatus, 1);
      await recordHistory('kyc-profile.document-approved.local-projection', handle.fetchHistory());
    });
  });

  it('a changed field routes to user-modified review (status 3); a VIZ-only read to manual review (status 2)', async () => {
    await withProfile(fakeActivities(mrzRead), async (handle) => {
      const { documentId } = await handle.executeUpdate(uploadDocumentUpdate, { args: [upload] });
      await handle.executeUpdate(confirmDocumentUpdate, { args: [{ documentId, fields: { idNumber: 'L898902C4' }, userModified: false }] });
      assert.equal((await handle.executeUpdate(submitDocumentUpdate, { args: [{ documentId }] })).status, 3);
    });
    await withProfile(fakeActivities({ ...mrzRead, source: 'VIZ', mrzFormat: null, mrzValid: null }), async (handle) => {
      const { documentId } = await handle.executeUpdate(uploadDocumentUpdate, { args: [upload] });
      await handle.executeUpdate(confirmDocumentUpdate, { args: [{ documentId, fields: {}, userModified: false }] });
      assert.equal((await handle.executeUpdate(submitDocumentUpdate, { args: [{ documentId }] })).status, 2);
    });
  });

  it('refuses expired documents, bad check digits, poor photos and undecodable files, discarding their files', async () => {
    const cases: Array<[ReturnType<typeof fakeActivities>, string]> = [
      [fakeActivities({ ...mrzRead, fields: { ...mrzRead.fields, expiryDate: '2012-04-15' } }), 'DOCUMENT_EXPIRED'],
      [fakeActivities({ ...mrzRead, mrzValid: false, errors: [{ code: 'MRZ_CHECKSUM_MISMATCH', field: 'idNumber', message: 'document number check digit' }] }), 'MRZ_CHECKSUM_MISMATCH'],
      [fakeActivities(mrzRead, false), 'IMAGE_QUALITY'],
      [fakeActivities('unreadable'), 'UNREADABLE_IMAGE'],
      [fakeActivities({ ...mrzRead, source: 'NONE', mrzValid: null, fields: { ...mrzRead.fields, name: null } }), 'MRZ_NOT_FOUND'],
    ];
    for (const [fakes, errorCode] of cases) {
      await withProfile(fakes, async (handle) => {
        const result = await handle.executeUpdate(uploadDocumentUpdate, { args: [upload] });
        assert.equal(result.ok, false);
        assert.equal(result.errorCode, errorCode);
        assert.ok(result.errors.length > 0);
        assert.deepEqual(fakes.discarded, [['f1']]);
        const status = await handle.query(getStatusQuery);
        assert.equal(status.stage, 'DOCUMENT');
        assert.equal(status.document, null);
      });
    }
  });

  it('a name the visual zone contradicts: upload accepted with the per-field result, submit sends it to review naming the field', async () => {
    const crossCheck = { surname: 'match', givenNames: 'mismatch', idNumber: 'match', birthDate: 'match', expiryDate: 'unread' } as const;
    const read: DocumentRead = { ...mrzRead, mrzValid: false, checkDigitsValid: true, crossCheck, errors: [{ code: 'VIZ_MISMATCH', field: 'givenNames', message: 'the printed givenNames differs from the MRZ' }] };
    await withProfile(fakeActivities(read), async (handle) => {
      const uploaded = await handle.executeUpdate(uploadDocumentUpdate, { args: [upload] });
      assert.equal(uploaded.ok, true, 'check digits pass: the upload is kept for review, not refused');
      assert.deepEqual(uploaded.crossCheck, crossCheck);
      assert.deepEqual((await handle.query(getStatusQuery)).document.crossCheck, crossCheck);
      await handle.executeUpdate(confirmDocumentUpdate, { args: [{ documentId: uploaded.documentId, fields: {}, userModified: false }] });
      assert.equal((await handle.executeUpdate(submitDocumentUpdate, { args: [{ documentId: uploaded.documentId }] })).status, 2);
      const status = await handle.query(getStatusQuery);
      assert.deepEqual(status.document.reviewReasons, ['document givenNames: the printed visual zone differs from the MRZ']);
      await recordHistory('kyc-profile.document-cross-check-review', handle.fetchHistory());
    });
  });

  it('a name neither confirmed nor sure goes to review; failing check digits are still refused', async () => {
    const unsure: DocumentRead = { ...mrzRead, mrzValid: false, checkDigitsValid: true, crossCheck: { surname: 'unread', givenNames: 'unread', idNumber: 'match', birthDate: 'unread', expiryDate: 'unread' } };
    await withProfile(fakeActivities(unsure), async (handle) => {
      const { documentId, ok } = await handle.executeUpdate(uploadDocumentUpdate, { args: [upload] });
      assert.equal(ok, true);
      await handle.executeUpdate(confirmDocumentUpdate, { args: [{ documentId, fields: {}, userModified: false }] });
      assert.equal((await handle.executeUpdate(submitDocumentUpdate, { args: [{ documentId }] })).status, 2);
      assert.match((await handle.query(getStatusQuery)).document.reviewReasons.join(), /name: not confirmed/);
    });
    await withProfile(fakeActivities({ ...unsure, checkDigitsValid: false }), async (handle) => {
      const result = await handle.executeUpdate(uploadDocumentUpdate, { args: [upload] });
      assert.equal(result.errorCode, 'MRZ_CHECKSUM_MISMATCH');
    });
  });

  it('refuses confirm before upload in the validator', async () => {
    await withProfile(fakeActivities(mrzRead), async (handle) => {
      await assert.rejects(
        handle.executeUpdate(confirmDocumentUpdate, { args: [{ documentId: 1, fields: {}, userModified: false }] }),
        (err: unknown) => err instanceof WorkflowUpdateFailedError && /not this profile's current document/.test(String(err.cause?.message)),
      );
    });
  });
});
