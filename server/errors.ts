/**
 * The server's one error type. Route handlers and services throw `AppError`; the app's single
 * `onError` turns it into `{ error: { code, message } }` with the right status.
 */
import { ErrorCode } from '../shared/errors.js';

export type HttpStatus = 400 | 401 | 403 | 404 | 409 | 410 | 413 | 429 | 500 | 503;

export class AppError extends Error {
  override readonly name = 'AppError';
  constructor(
    readonly status: HttpStatus,
    readonly code: ErrorCode,
    message: string,
    readonly options: { details?: unknown; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
  }
}

export const errors = {
  unauthorized: (message = 'Sign in first.') => new AppError(401, ErrorCode.Unauthorized, message),
  forbidden: (message = 'You do not have permission to do that.') =>
    new AppError(403, ErrorCode.Forbidden, message),
  notFound: (what: string) => new AppError(404, ErrorCode.NotFound, `${what} was not found.`),
  conflict: (message: string) => new AppError(409, ErrorCode.Conflict, message),
  gone: (message: string) => new AppError(410, ErrorCode.Gone, message),
  /** 409: a configured limit is reached; `details` names the setting, so an operator knows what to raise. */
  limitReached: (message: string, details: { setting: string; limit: number }) =>
    new AppError(409, ErrorCode.LimitReached, message, { details }),
  badRequest: (message: string, details?: unknown) =>
    new AppError(400, ErrorCode.BadRequest, message, { details }),
};
