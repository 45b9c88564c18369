/**
 * Why a service call failed, in words an admin page can show. Messages carry statuses and
 * OAuth codes only, never response bodies (they may hold student data).
 */
export type ServiceErrorKind =
  /** 403, or a scope the platform never granted: asking again will not help. */
  | 'not_granted'
  /** 404: the context or line item is gone (or the course concluded). */
  | 'not_found'
  /** 401 twice in a row, with a fresh token the second time. */
  | 'unauthorized'
  /** 429, 5xx or no answer, still failing after the retries. */
  | 'unavailable'
  /** No answer within the client's time limit, still so after the retries. */
  | 'timeout'
  /** The token endpoint refused the client assertion or the scopes. */
  | 'token_refused'
  /** The platform answered something we cannot read (schema mismatch, foreign next link). */
  | 'bad_response'
  /** Any other 4xx (for example Canvas's 422 for a non-student score). */
  | 'rejected';

export class ServiceError extends Error {
  readonly status: number | undefined;
  readonly retryAfter: string | null | undefined;
  constructor(
    readonly kind: ServiceErrorKind,
    message: string,
    extra: { status?: number; retryAfter?: string | null; cause?: unknown } = {},
  ) {
    super(message, { cause: extra.cause });
    this.status = extra.status;
    this.retryAfter = extra.retryAfter;
  }

  /** One short line for run records and admin pages: "not_granted: GET answered 403". */
  get summary(): string {
    return `${this.kind}: ${this.message}`;
  }
}

export function isServiceError(err: unknown): err is ServiceError {
  return err instanceof ServiceError;
}
