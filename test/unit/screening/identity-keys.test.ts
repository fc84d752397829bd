import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { identityKeys } from '../../../stores/identities.store.js';

const docKey = (issuer: string, docType = 'PASSPORT', number = 'SN 1234567') =>
  identityKeys('test-secret', { docType, issuer, number }, { sortedName: null, birthDate: null }).docKey;

describe('duplicate and blocklist keys of a document', () => {
  it('one key for one document however its issuing state is written', () => {
    const senegal = docKey('SEN');
    for (const issuer of ['SN', 'sn', 'Senegal', ' SEN ']) assert.equal(docKey(issuer), senegal, issuer);
    assert.equal(docKey('D'), docKey('DEU'), "ICAO's D is Germany");
    assert.equal(docKey('DE'), docKey('DEU'));
  });

  it('different states, numbers or document types are different documents; unknown states are kept as written', () => {
    assert.notEqual(docKey('SEN'), docKey('SWE'));
    assert.notEqual(docKey('SEN', 'PASSPORT', 'SN1234568'), docKey('SEN'));
    assert.equal(docKey('SEN', 'PASSPORT', 'sn-1234567'), docKey('SEN'), 'the number without spacing or case');
    assert.notEqual(docKey('XQZ'), docKey('XQY'));
    assert.equal(docKey('SEN', 'PASSPORT', ''), null, 'no number, no key');
  });
});
