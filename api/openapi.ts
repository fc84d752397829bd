import { z } from 'zod';

/**
 * Response documentation for the OpenAPI document (/docs). The schemas are loose objects: they
 * describe the envelopes and status codes without stripping fields from real answers.
 */
const WHY: Record<number, string> = {
  200: 'Success',
  201: 'Created',
  400: 'Invalid input; the message names the field',
  401: 'Missing, invalid or expired bearer token (or a bad callback signature)',
  402: 'A fee must be paid first',
  403: 'Not allowed for this user (admin role, or acting for someone else)',
  404: 'Not found (someone else’s ids read as not found)',
  409: 'The step does not fit the current state; the message says why',
  410: 'Expired',
  413: 'File too large',
  415: 'Unsupported file type',
  422: 'Verification failed; data says why (document: errorCode and errors; liveness: code 20001 and list)',
  429: 'Rate limited',
};

/** Seed 003 `ApiResponse { code, message, data }`. */
const apiResponse = z.looseObject({ code: z.number().int(), message: z.string(), data: z.unknown() });
/** Seed 000/001 `handlers.ErrorResponse`. */
const errorResponse = z.looseObject({ error: z.string(), details: z.string() });

const describe = <T extends z.ZodType>(schema: T, code: number) => schema.describe(WHY[code] ?? 'Error');

/** Responses of a seed-003 route: the envelope on every status. */
export const apiResponses = (...codes: number[]) =>
  Object.fromEntries([200, 400, 401, 429, ...codes].map((code) => [code, describe(apiResponse, code)]));

/** Responses of a seed-000/001 route: its own success body, `{error, details}` otherwise. */
export const appResponses = (success: z.ZodType, ...codes: number[]) => ({
  200: success.describe(WHY[200]!),
  ...Object.fromEntries([400, 401, 429, ...codes].map((code) => [code, describe(errorResponse, code)])),
});

export const eligibilityResponse = z.looseObject({
  eligible: z.boolean(),
  payment_status: z.enum(['none', 'pending', 'processing', 'completed', 'failed']),
  payment_type: z.enum(['kyc', 'virtual', 'physical']),
  reason: z.string(),
  required_action: z.string(),
  status: z.string(),
});

export const diditStatusResponse = z.looseObject({
  can_submit_kyc: z.boolean(),
  latest_kyc: z.looseObject({
    agent_uid: z.string(),
    created_at: z.string(),
    fail_reason: z.string(),
    id: z.number().int(),
    pokepay_status: z.number().int(),
    status: z.string(),
    updated_at: z.string(),
  }).nullable(),
  message: z.string(),
  user_kyc_status: z.enum(['none', 'pending', 'verified', 'rejected']),
});

export const applyCardResponse = z.looseObject({
  data: z.looseObject({ card_id: z.number().int().optional(), kyc_id: z.number().int(), physical: z.boolean(), task_id: z.string() }),
  message: z.string(),
  status: z.string(),
});
