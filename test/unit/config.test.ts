import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { ConfigError, loadConfig } from '../../config/config.js';

describe('config', () => {
  it('has working local defaults', () => {
    const config = loadConfig({});
    assert.equal(config.PORT, 3000);
    assert.equal(config.TEMPORAL_ADDRESS, '127.0.0.1:7233');
    assert.equal(config.TEMPORAL_NAMESPACE, 'default');
    assert.equal(config.MONGODB_URL, 'mongodb://127.0.0.1:27017/');
  });

  it('coerces numbers from the environment', () => {
    assert.equal(loadConfig({ PORT: '8080' }).PORT, 8080);
  });

  it('names every bad setting', () => {
    assert.throws(
      () => loadConfig({ PORT: 'eighty', MONGODB_URL: 'postgres://x', JWT_SECRET: 'short' }),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.match(err.message, /PORT:/);
        assert.match(err.message, /MONGODB_URL: must be a mongodb:\/\/ URL/);
        assert.match(err.message, /JWT_SECRET: must be at least 32 characters/);
        return true;
      },
    );
  });

  it('refuses malformed payload keys, naming the setting', () => {
    assert.throws(() => loadConfig({ PAYLOAD_ENCRYPTION_KEYS: 'k1:tooshort' }), /PAYLOAD_ENCRYPTION_KEYS: must be/);
  });

  it('refuses the development secrets in production', () => {
    assert.throws(() => loadConfig({ NODE_ENV: 'production' }), /JWT_SECRET: must be set in production[\s\S]*PAYLOAD_ENCRYPTION_KEYS[\s\S]*VEXORA_APP_SECRET/);
    const secrets = { JWT_SECRET: 'p'.repeat(40), VEXORA_APP_SECRET: 'v'.repeat(20), PAYMENTS_WEBHOOK_SECRET: 'w'.repeat(20), LIVENESS_CALLBACK_SECRET: 'l'.repeat(20), PAYLOAD_ENCRYPTION_KEYS: `k2:${Buffer.alloc(32, 7).toString('base64')}` };
    assert.equal(loadConfig({ NODE_ENV: 'production', ...secrets }).NODE_ENV, 'production');
  });

  it('stops a process at start-up with a message naming the setting, not a stack trace', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'api/main.ts'], {
      env: { ...process.env, PORT: 'not-a-port' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.equal(result.status, 78);
    assert.match(result.stderr, /Invalid configuration:\n\s+PORT:/);
    assert.doesNotMatch(result.stderr, /at loadConfig/);
  });
});
