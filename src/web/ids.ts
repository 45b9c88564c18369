import { z } from 'zod';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a value from a URL or form is a well-formed record id (anything else is a 404, never a query). */
export const isUuid = (v: unknown): v is string => typeof v === 'string' && UUID.test(v);

/** A record id at a boundary. */
export const uuid = z.string().regex(UUID);
