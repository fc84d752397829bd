import { VEXORA_OK, vexoraSign, type VexoraAuthStatus, type VexoraResponse } from '../domain/vexora.js';

/**
 * Client of Vexora's KYC API (seed 002): `merchantNo` header, MD5-signed body with a millisecond
 * timestamp, `{code, msg, success, timestamp, data}` answers. `kycStatusQuery` is Vexora's;
 * `kycApply` is the simulator's minimal application call (README "Vexora").
 */
export interface VexoraClientConfig {
  baseUrl: string;
  merchantNo: string;
  appSecret: string;
  timeoutMs?: number;
}

export interface VexoraStatus {
  authenticationStatus: VexoraAuthStatus;
  failReason: string | null;
}

/** Vexora refused the request itself (merchant, signature, parameters): retrying will not help. */
export class VexoraRejected extends Error {
  constructor(readonly code: string, message: string) {
    super(`Vexora ${code}: ${message}`);
  }
}

export function createVexoraClient(config: VexoraClientConfig) {
  async function call<T>(path: string, userId: string): Promise<T> {
    const params = { userId, timestamp: String(Date.now()) };
    const res = await fetch(`${config.baseUrl}/v1/vexora/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', merchantNo: config.merchantNo },
      body: JSON.stringify({ ...params, sign: vexoraSign(params, config.appSecret) }),
      signal: AbortSignal.timeout(config.timeoutMs ?? 20_000),
    });
    if (!res.ok) throw new Error(`Vexora ${path} answered HTTP ${res.status}`); // transient: retried
    const body = (await res.json()) as VexoraResponse<T>;
    if (body.code !== VEXORA_OK || !body.success || !body.data) throw new VexoraRejected(body.code, body.msg);
    return body.data;
  }

  return {
    apply: (userId: string) => call<{ authenticationStatus: VexoraAuthStatus }>('kycApply', userId),
    async queryStatus(userId: string): Promise<VexoraStatus> {
      const data = await call<{ authenticationStatus: VexoraAuthStatus; failReason?: string }>('kycStatusQuery', userId);
      return { authenticationStatus: data.authenticationStatus, failReason: data.failReason ?? null };
    },
  };
}

export type VexoraClient = ReturnType<typeof createVexoraClient>;
