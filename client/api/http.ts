/**
 * The one way the client talks to the REST API: same-origin fetch with the session cookie,
 * JSON in and out, every response parsed with the zod schema the server also validates with
 * (from `shared/api.ts`), and every failure turned into an `ApiError` whose message a person
 * can act on.
 */
import type { z } from 'zod';
import { ErrorCode, readErrorBody } from '../../shared/errors.js';

/** Not an HTTP status: the request never got an answer (offline, server down). */
export const NETWORK_ERROR = 'network_error';

export class ApiError extends Error {
  constructor(
    /** HTTP status, or 0 when the server could not be reached. */
    readonly status: number,
    /** An `ErrorCode` from the server, or `NETWORK_ERROR`. */
    readonly code: string,
    message: string,
    /** Seconds to wait before retrying, from `Retry-After` (sign-in lock-outs). */
    readonly retryAfter: number | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get isUnauthorized(): boolean {
    return this.status === 401 && this.code === ErrorCode.Unauthorized;
  }
}

export interface RequestOptions<T> {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  /** Parses the JSON answer; omit for 204 answers. */
  schema?: z.ZodType<T>;
  signal?: AbortSignal;
}

export async function request<T = void>(path: string, options: RequestOptions<T> = {}): Promise<T> {
  const { body, schema, signal } = options;
  const method = options.method ?? (body === undefined ? 'GET' : 'POST');
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers: body === undefined ? { accept: 'application/json' } : { 'content-type': 'application/json', accept: 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      signal,
    });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new ApiError(0, NETWORK_ERROR, 'Cannot reach the workspace server. Check your connection; this will retry.');
  }
  const data: unknown = res.status === 204 ? null : await res.json().catch(() => null);
  if (!res.ok) {
    const known = readErrorBody(data);
    const retry = Number(res.headers.get('retry-after'));
    throw new ApiError(
      res.status,
      known?.error.code ?? ErrorCode.Internal,
      known?.error.message ?? `The server answered ${res.status} ${res.statusText}.`,
      Number.isFinite(retry) && retry > 0 ? retry : null,
    );
  }
  if (!schema) return undefined as T;
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    // A version mismatch between a cached client and a newer server shows up here.
    throw new ApiError(res.status, ErrorCode.Internal, 'The server sent an answer this page does not understand. Reload the page.');
  }
  return parsed.data;
}

/** A person-readable message for anything thrown. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return 'Something went wrong.';
}
