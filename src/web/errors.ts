import { defaultLocale, t, type Locale } from './i18n.js';

/**
 * What an error tells the person: a key of config/locales (with its values), read in the page's
 * language; or, from code not yet given keys, a fixed English text.
 */
export type Message = string | { key: string; params?: Record<string, unknown> };
export const message = (key: string, params?: Record<string, unknown>): Message => ({ key, params });
export const textOf = (m: Message, locale: Locale = defaultLocale): string => (typeof m === 'string' ? m : t(m.key, m.params, locale));

/** An error that knows what to tell the person: a status, a short title and a plain explanation. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly titleMessage: Message,
    readonly detailMessage: Message,
    /** A stable machine-readable code for logs and JSON clients. */
    readonly code: string = `http_${status}`,
  ) {
    super(`${textOf(titleMessage)}: ${textOf(detailMessage)}`);
  }

  /** The title in the default language: for logs and JSON clients, which read no page language. */
  get title(): string {
    return textOf(this.titleMessage);
  }

  get detail(): string {
    return textOf(this.detailMessage);
  }

  /** What the error page shows, in the person's language. */
  in(locale: Locale): { title: string; detail: string } {
    return { title: textOf(this.titleMessage, locale), detail: textOf(this.detailMessage, locale) };
  }

  /** What a refusal refused, for the audit log (src/web/app.ts writes the row). */
  denial?: Denial;

  denying(denial: Denial): this {
    this.denial = denial;
    return this;
  }
}

/** A refused attempt: which policy (or `student` for a student the user may not open), what, and whose record. */
export interface Denial {
  subject: string;
  attempt: string;
  studentId?: string;
}

export const notFound = (detail: Message = message('errors.notFound.detail')) => new HttpError(404, message('errors.notFound.title'), detail, 'not_found');
export const forbidden = (detail: Message = message('errors.forbidden.detail')) => new HttpError(403, message('errors.forbidden.title'), detail, 'forbidden');
export const unauthorized = (detail: Message = message('errors.unauthorized.detail')) => new HttpError(401, message('errors.unauthorized.title'), detail, 'unauthorized');
export const badRequest = (detail: Message, code = 'bad_request') => new HttpError(400, message('errors.badRequest.title'), detail, code);
export const conflict = (detail: Message, code = 'conflict') => new HttpError(409, message('errors.conflict.title'), detail, code);
