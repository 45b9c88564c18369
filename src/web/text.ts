import { z } from 'zod';

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Text as the tool stores it. PostgreSQL refuses NUL in text and jsonb, and a lone surrogate is not
 * UTF-8 at all: either one in a name or a note failed the whole write. Neither means anything to a
 * reader, so both go; NFC makes "é" typed two ways one string (equal for search and for edits).
 */
export function cleanText(s: string): string {
  return s.replace(/\0/g, '').replace(LONE_SURROGATE, '').normalize('NFC');
}

/** Every string in a parsed body or JSON document (keys too) made storable; other values as they were. */
export function cleanDeep(value: unknown): unknown {
  if (typeof value === 'string') return cleanText(value);
  if (Array.isArray(value)) return value.map(cleanDeep);
  if (isPlainObject(value)) {
    // fromEntries defines own properties: a "__proto__" key stays data, never a prototype.
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [cleanText(k), cleanDeep(v)]));
  }
  return value;
}

/** A JSON object or a parsed form (querystring's have no prototype): not an array, Date, Buffer... */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (!value || typeof value !== 'object') return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** A schema that reads its input with every string cleaned first: text from outside the tool (LMS, browser). */
export const cleaned = <T extends z.ZodType>(schema: T) => z.preprocess(cleanDeep, schema);
