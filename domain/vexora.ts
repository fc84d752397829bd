import { createHash } from 'node:crypto';

/**
 * Vexora's request signing (seed 002): the non-empty body parameters except `sign`, sorted by
 * name, joined as `key1=value1key2=value2`, the app secret appended, lowercase MD5.
 */
export function vexoraSign(params: Record<string, unknown>, appSecret: string): string {
  const joined = Object.keys(params)
    .filter((key) => key !== 'sign' && params[key] !== undefined && params[key] !== null && params[key] !== '')
    .sort()
    .map((key) => `${key}=${String(params[key])}`)
    .join('');
  return createHash('md5').update(joined + appSecret, 'utf8').digest('hex');
}

/** Seed 002 `data.authenticationStatus`. */
export const VexoraAuthStatus = { PENDING: '0', UNDER_REVIEW: '1', APPROVED: '2', REJECTED: '3' } as const;
export type VexoraAuthStatus = (typeof VexoraAuthStatus)[keyof typeof VexoraAuthStatus];

/** Seed 002's response envelope. */
export interface VexoraResponse<T> {
  code: string;
  msg: string;
  success: boolean;
  timestamp: string;
  data: T | null;
}

export const VEXORA_OK = '0000';
