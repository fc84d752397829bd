import { z } from 'zod';

/**
 * Seed 003's `ApiResponse { code, message, data }`: code 0 is success, anything else an error.
 * The codes below are ours except LIVENESS_FAILED (20001), which the seed names.
 */
export const ApiCode = {
  OK: 0,
  BAD_REQUEST: 40000,
  UNAUTHORIZED: 40100,
  PAYMENT_REQUIRED: 40200,
  FORBIDDEN: 40300,
  NOT_FOUND: 40400,
  CONFLICT: 40900,
  GONE: 41000,
  PAYLOAD_TOO_LARGE: 41300,
  URI_TOO_LONG: 41400,
  UNSUPPORTED_MEDIA_TYPE: 41500,
  UNPROCESSABLE: 42200,
  RATE_LIMITED: 42900,
  INTERNAL: 50000,
  UNAVAILABLE: 50300,
  LIVENESS_FAILED: 20001,
} as const;

// A type alias (not an interface) so it fits the loose response schemas of the OpenAPI document.
export type ApiResponse<T = unknown> = {
  code: number;
  message: string;
  data: T | null;
};

export const ok = <T>(data: T, message = 'success'): ApiResponse<T> => ({ code: ApiCode.OK, message, data });

export const apiError = (code: number, message: string, data: unknown = null): ApiResponse =>
  ({ code, message, data });

export const apiResponseSchema = <T extends z.ZodType>(data: T) =>
  z.object({ code: z.number().int(), message: z.string(), data: data.nullable() });
