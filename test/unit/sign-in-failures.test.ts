import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SignInFailures } from '../../api/backoffice/sign-in-failures.js';

describe('failed sign-ins per user name', () => {
  it('locks a name at the limit, for the window only; a success clears it', () => {
    const failures = new SignInFailures({ max: 3, windowMs: 1_000 });
    for (const at of [0, 100, 200]) failures.noteFailure('anna', at);
    assert.equal(failures.locked('anna', 300), true);
    assert.equal(failures.locked('ben', 300), false, 'per name');
    assert.equal(failures.locked('anna', 1_050), false, 'the first failure left the window');
    failures.noteFailure('anna', 1_100); // 200 and 1100 are within the window at 1150
    assert.equal(failures.locked('anna', 1_150), false);
    failures.noteFailure('anna', 1_120);
    assert.equal(failures.locked('anna', 1_150), true);
    failures.clear('anna');
    assert.equal(failures.locked('anna', 1_150), false);
  });

  it('forgets the oldest names first when full', () => {
    const failures = new SignInFailures({ max: 1, windowMs: 60_000, maxNames: 2 });
    failures.noteFailure('a', 0);
    failures.noteFailure('b', 1);
    failures.noteFailure('a', 2); // a is now the newest
    failures.noteFailure('c', 3);
    assert.deepEqual(['a', 'b', 'c'].map((n) => failures.locked(n, 4)), [true, false, true]);
  });
});
