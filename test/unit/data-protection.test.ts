import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { legalHoldOf, redactedStatus, retentionCutoffs } from '../../domain/data-protection.js';
import type { KycStatusDto } from '../../domain/kyc-profile.js';
import { holdsMasterSealedPayloads } from '../../erasure/master-sealed.js';
import { loadConfig } from '../../config/config.js';
import { emptyReviewState } from '../../domain/review.js';

const NOW = Date.parse('2030-06-15T12:00:00.000Z');

describe('retention rules', () => {
  it('cutoffs: days for unsuccessful profiles and files, calendar years for customers', () => {
    assert.deepEqual(retentionCutoffs({ unsuccessfulDays: 90, approvedYears: 5, filesDays: 30 }, NOW), {
      unsuccessfulBefore: '2030-03-17T12:00:00.000Z',
      approvedBefore: '2025-06-15T12:00:00.000Z',
      filesBefore: '2030-05-16T12:00:00.000Z',
    });
  });

  it('legal hold: an approved customer is held for N years after the last activity, nobody else', () => {
    const hold = legalHoldOf(true, '2027-01-31T00:00:00.000Z', 5, NOW);
    assert.equal(hold?.until, '2032-01-31T00:00:00.000Z');
    assert.match(hold!.reason, /approved customer.*5 years.*2027-01-31/);
    assert.equal(legalHoldOf(true, '2025-06-15T11:59:59.000Z', 5, NOW), null, 'the period is over');
    assert.equal(legalHoldOf(false, '2030-06-01T00:00:00.000Z', 5, NOW), null, 'not a customer');
    assert.equal(legalHoldOf(true, null, 5, NOW), null);
  });

  it('settings: defaults, and bad values named', () => {
    const config = loadConfig({});
    assert.deepEqual(
      [config.RETENTION_UNSUCCESSFUL_DAYS, config.RETENTION_APPROVED_YEARS, config.RETENTION_FILES_DAYS, config.RETENTION_SWEEP_CRON, config.RETENTION_SWEEP_DRY_RUN, config.RETENTION_SWEEP_ENABLED],
      [90, 5, 90, '30 2 * * *', false, true],
    );
    assert.throws(() => loadConfig({ RETENTION_SWEEP_CRON: 'daily' }), /RETENTION_SWEEP_CRON: five cron fields/);
    assert.throws(() => loadConfig({ RETENTION_APPROVED_YEARS: '0' }), /RETENTION_APPROVED_YEARS/);
    assert.throws(() => loadConfig({ RETENTION_UNSUCCESSFUL_DAYS: '-1' }), /RETENTION_UNSUCCESSFUL_DAYS/);
  });
});

describe('redaction of an erased profile', () => {
  const status: KycStatusDto = {
    profileId: 'profile_000000000000000000000001', recordId: 100000000001, agentUid: 'uu1_1_00000001', userId: 'u1', country: 'SE', stage: 'REJECTED', status: 'rejected',
    document: {
      documentId: 7, origin: 'UPLOAD', docType: 'PASSPORT', country: 'SE', frontFileId: 'f1', backFileId: null, frontImageUrl: null, backImageUrl: null, readSource: 'MRZ', mrzFormat: 'TD3', mrzValid: true,
      quality: null, extracted: { name: 'ANNA MARIA ERIKSSON', idNumber: 'L898902C3', birthDate: '1974-08-12', expiryDate: '2032-04-15', issuer: 'SWE', nationality: 'SWE' }, confidence: {},
      confirmed: null, userModified: false, reviewStatus: 2, uploadedAt: '2030-01-01T00:00:00.000Z', confirmedAt: null, submittedAt: null,
    },
    liveness: { sessions: [], callbacks: [] },
    faceMatch: { passed: false, similarity: 0.2, distance: 0.8, threshold: 0.4, reason: 'the selfie does not match the document photo' },
    provider: { name: 'vexora', submittedAt: '2030-01-02T00:00:00.000Z', decidedAt: '2030-01-03T00:00:00.000Z', outcome: 'REJECTED', polls: 3 },
    reviewReasons: ['face match failed'], decisions: [{ adminId: 'ops', status: -1, remark: 'document tampered', at: '2030-01-04T00:00:00.000Z' }],
    reviewOverdue: false, failReason: 'document tampered', resubmission: null, review: emptyReviewState(), createdAt: '2030-01-01T00:00:00.000Z', updatedAt: '2030-01-04T00:00:00.000Z',
  };

  it('keeps ids, stages, dates, decisions and their reasons; drops document, liveness and face data', () => {
    const redacted = redactedStatus(status, '2030-06-15T12:00:00.000Z');
    const kept = JSON.stringify(redacted);
    for (const pii of ['ANNA MARIA ERIKSSON', 'L898902C3', '1974-08-12', 'f1']) assert.ok(!kept.includes(pii), pii);
    assert.deepEqual([redacted.document, redacted.liveness, redacted.faceMatch], [null, null, null]);
    assert.deepEqual([redacted.stage, redacted.failReason, redacted.decisions, redacted.reviewReasons, redacted.provider], [status.stage, status.failReason, status.decisions, status.reviewReasons, status.provider]);
    assert.equal(redacted.erasedAt, '2030-06-15T12:00:00.000Z');
  });

  it("drops reviewers' notes (free text about the person) and keeps the review log's ids, events and dates", () => {
    const review = {
      ...emptyReviewState(),
      notes: [{ authorId: 'rev_1', text: 'Anna Eriksson called from +46 70 123 45 67', at: '2030-01-03T10:00:00.000Z' }],
      log: [{ at: '2030-01-03T10:00:00.000Z', by: 'rev_1', event: 'NOTE' as const, detail: 'added a note' }],
      attempts: { DOCUMENT: 1, LIVENESS: 0 },
    };
    const redacted = redactedStatus({ ...status, review }, '2030-06-15T12:00:00.000Z');
    assert.deepEqual(redacted.review?.notes, []);
    assert.deepEqual([redacted.review?.log, redacted.review?.attempts], [review.log, review.attempts]);
    assert.ok(!JSON.stringify(redacted).includes('Eriksson'));
  });

  it('a profile erased before its decision ends CANCELLED: out of the review queue, not "in progress" for the user', () => {
    const redacted = redactedStatus({ ...status, stage: 'MANUAL_REVIEW', status: 'processing', reviewOverdue: true }, '2030-06-15T12:00:00.000Z');
    assert.deepEqual([redacted.stage, redacted.status, redacted.reviewOverdue], ['CANCELLED', 'cancelled', false]);
  });
});

describe('finding payloads sealed by a master key in a history', () => {
  const event = (metadata: Record<string, Uint8Array>) => ({ eventId: 1, workflowExecutionStartedEventAttributes: { input: { payloads: [{ metadata, data: new Uint8Array([1]) }] } } });
  it('tells master-key sealing from data-key sealing, however deep the payload', () => {
    assert.equal(holdsMasterSealedPayloads({ events: [event({ 'encryption-data-key-id': Buffer.from('dk_1') })] as never }), false);
    assert.equal(holdsMasterSealedPayloads({ events: [event({ 'encryption-data-key-id': Buffer.from('dk_1') }), event({ 'encryption-key-id': Buffer.from('k1') })] as never }), true);
    assert.equal(holdsMasterSealedPayloads({ events: [] }), false);
  });
});
