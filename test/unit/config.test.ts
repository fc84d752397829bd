import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { ConfigError, loadConfig, SECRET_SETTINGS } from '../../config/config.js';

/** A production environment with every secret set to a strong random value. */
function productionEnv(): Record<string, string> {
  const env: Record<string, string> = { NODE_ENV: 'production' };
  for (const name of SECRET_SETTINGS) env[name] = randomBytes(24).toString('base64url');
  env.PAYLOAD_ENCRYPTION_KEYS = `k2:${randomBytes(32).toString('base64')}`;
  return env;
}

const refusal = (env: Record<string, string | undefined>): string => {
  try {
    loadConfig(env);
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err.message;
  }
  return assert.fail('the configuration was accepted');
};

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

  it('accepts production with every secret set and strong', () => {
    assert.equal(loadConfig(productionEnv()).NODE_ENV, 'production');
  });

  it('names every secret missing in production, the four the probe found included', () => {
    const message = refusal({ NODE_ENV: 'production' });
    for (const name of SECRET_SETTINGS) assert.match(message, new RegExp(`^  ${name}: must be set in production`, 'm'));
    for (const name of ['ISSUER_WEBHOOK_SECRET', 'WEBHOOK_SECRET', 'PAYMENTS_API_KEY', 'ISSUER_API_KEY', 'PAYLOAD_ENCRYPTION_KEYS']) {
      assert.ok(SECRET_SETTINGS.includes(name), `${name} is a secret`);
    }
    // The probe's environment: five secrets set, the other four left at their public defaults.
    const { ISSUER_WEBHOOK_SECRET, WEBHOOK_SECRET, PAYMENTS_API_KEY, ISSUER_API_KEY, ...five } = productionEnv();
    const probe = refusal(five);
    for (const name of ['ISSUER_WEBHOOK_SECRET', 'WEBHOOK_SECRET', 'PAYMENTS_API_KEY', 'ISSUER_API_KEY']) assert.match(probe, new RegExp(`${name}: must be set in production`));
    assert.doesNotMatch(probe, /JWT_SECRET/);
  });

  it('refuses public development values in production, also padded or under another name', () => {
    const dev = loadConfig({});
    for (const value of [dev.ISSUER_WEBHOOK_SECRET, `${dev.ISSUER_WEBHOOK_SECRET} `, ` ${dev.ISSUER_WEBHOOK_SECRET}`, dev.PAYMENTS_WEBHOOK_SECRET]) {
      assert.match(refusal({ ...productionEnv(), ISSUER_WEBHOOK_SECRET: value }), /ISSUER_WEBHOOK_SECRET: /, JSON.stringify(value));
    }
    assert.match(refusal({ ...productionEnv(), PAYLOAD_ENCRYPTION_KEYS: `k2:${randomBytes(32).toString('base64')},${dev.PAYLOAD_ENCRYPTION_KEYS}` }), /PAYLOAD_ENCRYPTION_KEYS: .*development key/);
  });

  it('refuses weak secrets in production', () => {
    for (const weak of ['p'.repeat(40), 'passwordpasswordpasswordpassword', '1234567890123456789012345678901234567890']) {
      assert.match(refusal({ ...productionEnv(), JWT_SECRET: weak }), /JWT_SECRET: too weak/, weak);
    }
    assert.match(refusal({ ...productionEnv(), WEBHOOK_SECRET: 'Sh0rt!x' }), /WEBHOOK_SECRET: must be at least/);
  });

  it('moves the webhook URLs with PORT and the provider URLs with SIMULATOR_PORT, unless set', () => {
    const config = loadConfig({ PORT: '3100', SIMULATOR_PORT: '4100' });
    assert.equal(config.PAYMENTS_WEBHOOK_URL, 'http://127.0.0.1:3100/payments/callback');
    assert.equal(config.ISSUER_WEBHOOK_URL, 'http://127.0.0.1:3100/card/callback');
    assert.equal(config.PAYMENTS_BASE_URL, 'http://127.0.0.1:4100');
    assert.equal(config.VEXORA_BASE_URL, 'http://127.0.0.1:4100');
    assert.equal(config.ISSUER_BASE_URL, 'http://127.0.0.1:4100');
    assert.equal(loadConfig({ HOST: '0.0.0.0' }).PAYMENTS_WEBHOOK_URL, 'http://127.0.0.1:3000/payments/callback', 'a wildcard listen address is reached on loopback');
    assert.equal(loadConfig({ PORT: '3100', ISSUER_WEBHOOK_URL: 'https://api.example/card/callback' }).ISSUER_WEBHOOK_URL, 'https://api.example/card/callback');
  });

  it('reads the review policy, refusing unknown four-eyes rules; the back-office session secret is a production secret', () => {
    assert.deepEqual(loadConfig({}).REVIEW_FOUR_EYES_RULES, ['face_no_match', 'screening_hit']);
    assert.deepEqual(loadConfig({ REVIEW_FOUR_EYES_RULES: 'always, user_modified' }).REVIEW_FOUR_EYES_RULES, ['always', 'user_modified']);
    assert.throws(() => loadConfig({ REVIEW_FOUR_EYES_RULES: 'face_no_match,vibes' }), /REVIEW_FOUR_EYES_RULES: unknown rule\(s\) vibes/);
    assert.ok(SECRET_SETTINGS.includes('BACKOFFICE_SESSION_SECRET'));
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
