import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { canMoveTo, isFinalStage, KYC_STAGES, STAGE_TABLE, STAGE_TRANSITIONS, stageDiagram } from '../../domain/kyc-stage.js';

describe('KYC stage table', () => {
  it('maps every internal stage to seed-000 vocabularies', () => {
    const local = new Set(['pending_submit', 'pending', 'processing', 'approved', 'rejected', 'failed', 'not_completed', 'cancelled']);
    const user = new Set(['none', 'pending', 'verified', 'rejected']);
    for (const stage of KYC_STAGES) {
      assert.ok(local.has(STAGE_TABLE[stage].local), `${stage} → ${STAGE_TABLE[stage].local}`);
      assert.ok(user.has(STAGE_TABLE[stage].user), `${stage} → ${STAGE_TABLE[stage].user}`);
    }
  });

  it('treats only decisions and terminations as final', () => {
    assert.deepEqual(KYC_STAGES.filter(isFinalStage), ['APPROVED', 'REJECTED', 'CANCELLED', 'EXPIRED']);
  });

  it('only an approved profile makes the user verified', () => {
    assert.deepEqual(KYC_STAGES.filter((s) => STAGE_TABLE[s].user === 'verified'), ['APPROVED']);
  });
});

describe('KYC stage transitions', () => {
  it('lists every stage, and only stages, as sources and targets', () => {
    assert.deepEqual(Object.keys(STAGE_TRANSITIONS).sort(), [...KYC_STAGES].sort());
    for (const [from, targets] of Object.entries(STAGE_TRANSITIONS)) {
      for (const to of targets) assert.ok((KYC_STAGES as readonly string[]).includes(to), `${from} → ${to}`);
    }
  });

  it('lets only a reset leave a decision, and nothing leave an expired or cancelled profile', () => {
    assert.deepEqual(STAGE_TRANSITIONS.APPROVED, ['MANUAL_REVIEW']);
    assert.deepEqual(STAGE_TRANSITIONS.REJECTED, ['MANUAL_REVIEW']);
    assert.deepEqual(STAGE_TRANSITIONS.EXPIRED, []);
    assert.deepEqual(STAGE_TRANSITIONS.CANCELLED, []);
  });

  it('allows the journey, the RETRY loops and the expiry; refuses skipping steps', () => {
    for (const [from, to] of [['DOCUMENT', 'CONFIRMATION'], ['CONFIRMATION', 'REVIEW_SUBMISSION'], ['REVIEW_SUBMISSION', 'LIVENESS'], ['LIVENESS', 'PROVIDER_CHECK'],
      ['MANUAL_REVIEW', 'DOCUMENT'], ['MANUAL_REVIEW', 'LIVENESS'], ['REVIEW_SUBMISSION', 'FACE_MATCH'], ['FACE_MATCH', 'MANUAL_REVIEW'], ['LIVENESS', 'EXPIRED']] as const) {
      assert.ok(canMoveTo(from, to), `${from} → ${to}`);
    }
    for (const [from, to] of [['DOCUMENT', 'LIVENESS'], ['DOCUMENT', 'APPROVED'], ['EXPIRED', 'CONFIRMATION'], ['APPROVED', 'REJECTED'], ['PROVIDER_CHECK', 'DOCUMENT'], ['MANUAL_REVIEW', 'PROVIDER_CHECK']] as const) {
      assert.ok(!canMoveTo(from, to), `${from} → ${to} must be refused`);
    }
  });

  it('README draws the journey from the table', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    assert.ok(readme.includes('```mermaid\n' + stageDiagram() + '\n```'), 'README\'s stage diagram differs from stageDiagram(): paste `npm run -s diagram` into README');
  });
});
