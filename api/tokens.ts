import { createSigner } from 'fast-jwt';
import type { Config } from '../config/config.js';
import type { AuthClaims } from './plugins/auth.js';

/** Mints an HS256 access token the API accepts (dev tooling and tests; production tokens come from your IdP). */
export function signAccessToken(
  config: Pick<Config, 'JWT_SECRET' | 'JWT_ISSUER'> & Partial<Pick<Config, 'JWT_AUDIENCE'>>,
  claims: AuthClaims,
  expiresInSeconds = 3_600,
): string {
  const sign = createSigner({ key: config.JWT_SECRET, algorithm: 'HS256', iss: config.JWT_ISSUER, expiresIn: expiresInSeconds * 1_000, ...(config.JWT_AUDIENCE ? { aud: config.JWT_AUDIENCE } : {}) });
  return sign({ ...claims });
}
