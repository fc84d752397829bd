import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isFinalStage, KYC_STAGES, STAGE_TABLE } from '../../domain/kyc-stage.js';

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
