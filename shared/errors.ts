/**
 * The error vocabulary of the REST API. Every error response has the shape
 * `{ error: { code, message } }` where `code` is one of these and `message` is written for a
 * person to act on.
 *
 * @example
 * if (body.error.code === ErrorCode.InvalidCredentials) showMessage(body.error.message)
 */
export const ErrorCode = {
  BadRequest: 'bad_request',
  ValidationFailed: 'validation_failed',
  Unauthorized: 'unauthorized',
  InvalidCredentials: 'invalid_credentials',
  TooManyAttempts: 'too_many_attempts',
  Forbidden: 'forbidden',
  NotFound: 'not_found',
  Conflict: 'conflict',
  Gone: 'gone',
  PayloadTooLarge: 'payload_too_large',
  /** A file in no format the workspace reads (an import); the message lists the formats it does. */
  UnsupportedFormat: 'unsupported_format',
  /** A configured limit (rooms per site, rooms per person) is reached; the message says which and what to do. */
  LimitReached: 'limit_reached',
  Internal: 'internal_error',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** The JSON body of every non-2xx API response. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
}

/** Reads an `ErrorBody` from unknown JSON, or returns null when it is not one. */
export function readErrorBody(value: unknown): ErrorBody | null {
  if (typeof value !== 'object' || value === null || !('error' in value)) return null;
  const error = (value as { error: unknown }).error;
  if (typeof error !== 'object' || error === null) return null;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code !== 'string' || typeof message !== 'string') return null;
  return value as ErrorBody;
}
