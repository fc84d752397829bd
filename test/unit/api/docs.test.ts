import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { API_TAGS } from '../../../api/plugins/docs.js';
import { buildHttpOnlyApp } from '../../helpers/http-only-app.js';

describe('API docs (/docs) a client developer can read', () => {
  it('group every operation under one known tag, each with a one-line summary; no preflights', async () => {
    const { app } = await buildHttpOnlyApp();
    const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json();
    await app.close();
    assert.deepEqual(doc.tags.map((t: any) => t.name), API_TAGS.map((t) => t.name));
    const operations = Object.entries<any>(doc.paths).flatMap(([path, ops]) => Object.entries<any>(ops).map(([method, op]) => ({ route: `${method.toUpperCase()} ${path}`, ...op })));
    assert.ok(operations.length >= 30, `${operations.length} operations`);
    for (const op of operations) {
      assert.ok(!op.route.startsWith('OPTIONS') && !op.route.startsWith('HEAD'), `${op.route} is listed`);
      assert.equal(op.tags?.length, 1, `${op.route}: tags ${JSON.stringify(op.tags)}`);
      assert.ok(API_TAGS.some((t) => t.name === op.tags[0]), `${op.route}: unknown tag ${op.tags[0]}`);
      assert.match(op.summary ?? '', /^\S.{8,119}$/, `${op.route}: summary`);
    }
    const tagOf = (route: string) => operations.find((op) => op.route === route)?.tags[0];
    assert.equal(tagOf('POST /api/web/kycService/liveness/verify'), 'liveness');
    assert.equal(tagOf('POST /api/web/kycService/status/update'), 'admin');
    assert.equal(tagOf('POST /payments/callback'), 'callbacks');
    assert.equal(tagOf('GET /cards'), 'cards');
    assert.equal(tagOf('GET /readyz'), 'ops');
  });
});
