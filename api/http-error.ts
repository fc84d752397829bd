import { ApiCode } from '../domain/api-response.js';

/** An error the API answers as-is: HTTP status, the seed-003 `code`, a message the client can act on. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly code: number = defaultCode(statusCode),
    readonly data: unknown = null,
  ) {
    super(message);
  }
}

function defaultCode(status: number): number {
  switch (status) {
    case 400: return ApiCode.BAD_REQUEST;
    case 401: return ApiCode.UNAUTHORIZED;
    case 402: return ApiCode.PAYMENT_REQUIRED;
    case 403: return ApiCode.FORBIDDEN;
    case 404: return ApiCode.NOT_FOUND;
    case 409: return ApiCode.CONFLICT;
    case 410: return ApiCode.GONE;
    case 413: return ApiCode.PAYLOAD_TOO_LARGE;
    case 414: return ApiCode.URI_TOO_LONG;
    case 415: return ApiCode.UNSUPPORTED_MEDIA_TYPE;
    case 422: return ApiCode.UNPROCESSABLE;
    case 429: return ApiCode.RATE_LIMITED;
    case 503: return ApiCode.UNAVAILABLE;
    default: return status >= 500 ? ApiCode.INTERNAL : ApiCode.BAD_REQUEST;
  }
}

export const notFound = (what: string) => new HttpError(404, `${what} not found`);
