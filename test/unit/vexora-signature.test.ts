import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { vexoraSign } from '../../domain/vexora.js';

// Vectors computed independently (Python hashlib.md5 over the documented string).
describe('Vexora request signing (seed 002)', () => {
  it('signs the sorted non-empty parameters followed by the secret', () => {
    const body = { userId: 'jp_user_100008', timestamp: '1732988442913' };
    assert.equal(vexoraSign(body, 'test-app-secret'), '9132d0fbc4416d97e561a9cc4f867615');
  });

  it('ignores sign and empty parameters, and sorts by name', () => {
    const body = { c: 3, sign: 'ignored', b: 'xyz', empty: '', missing: undefined, a: 1 };
    assert.equal(vexoraSign(body, 'secret'), 'b7abed2079a8b908254150903df09fb1');
  });

  it('changes with any parameter or the secret', () => {
    const base = vexoraSign({ userId: 'u', timestamp: '1' }, 's');
    assert.notEqual(vexoraSign({ userId: 'u', timestamp: '2' }, 's'), base);
    assert.notEqual(vexoraSign({ userId: 'u', timestamp: '1' }, 't'), base);
  });
});
