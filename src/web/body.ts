import querystring from 'node:querystring';
import type { RequestHandler } from 'express';
import { HttpError, message } from './errors.js';
import { cleanDeep, isPlainObject } from './text.js';

export const unsupportedBody = () =>
  new HttpError(415, message('errors.form.title'), message('errors.form.unsupported'), 'unsupported_media_type');

export const badBody = () =>
  new HttpError(400, message('errors.form.title'), message('errors.form.notText'), 'bad_body');

/**
 * Every tool route takes a flat form (urlencoded, or the same fields as JSON): anything else is
 * refused here, before any route, with a clear 415 or 400 page. An empty post becomes an empty form
 * (Express leaves it undefined), and every field's text is made storable (src/web/text.ts).
 */
export function formBodies(): RequestHandler {
  return (req, _res, next) => {
    // req.is: null without a body, false for a body of another (or no) type. An empty post (a button
    // with no fields, sent by a script as Content-Length: 0) has nothing to read, whatever its type.
    const empty = req.headers['content-length'] === '0';
    if (!empty && req.is(['urlencoded', 'json']) === false) return next(unsupportedBody());
    const body: unknown = req.body ?? {};
    if (!isPlainObject(body) || Object.values(body).some((v) => typeof v !== 'string')) return next(badBody());
    req.body = cleanDeep(body);
    next();
  };
}

/** Query strings as Express 5's simple parser reads them, with every value made storable. */
export const cleanQuery = (query: string): unknown => cleanDeep({ ...querystring.parse(query) });
