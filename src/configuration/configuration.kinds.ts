import type { z } from 'zod';

/**
 * A kind of configuration document: what one feature lets a district change without code. The feature
 * that reads the document defines its kind (its id, the zod schema a version must meet, and the shipped
 * default from config/, in force until a version is published) and hands it to this feature in
 * src/web/app.ts; this feature keeps the versions and never interprets a body.
 */
export interface DocumentKind<T = unknown> {
  /** Stable, lower-case with dashes: the `kind` of every stored version, and the key in an export. */
  id: string;
  schema: z.ZodType<T>;
  /** The default that ships with the tool (version 0). */
  shipped: () => T;
}

/** A typed kind, from the feature that reads it (the registry holds them untyped). */
export const documentKind = <T>(kind: DocumentKind<T>): DocumentKind<T> => kind;
