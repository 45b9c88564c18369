import type { z } from 'zod';
import type { DbOrTx } from '../db/client.js';
import type { AppUser } from '../auth/user.js';
import { t, type Locale, type Terms } from '../web/i18n.js';

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
  /** The default that ships with the tool (version 0, unless the kind has a baseline). */
  shipped: () => T;
  /**
   * A school's own version 0, for a kind whose settings each school kept before they were a document
   * (the school calendar's zone, year start, group size and closed days): what a school with no version
   * published keeps, and what "version 0" shows, compares, exports and restores, in place of `shipped`.
   * Read through `db` (a writer's transaction, or the pool inside the tenant's scope).
   */
  baseline?(tenantId: string, db: DbOrTx): Promise<T>;
  /**
   * What a new version may not change from the one in force, whatever its schema allows (the plan
   * template's fields never gain readers): checked on saving a draft, publishing, restoring and importing.
   */
  changeProblems?(inForce: T, next: T): KindProblem[];
  /** The real page a version makes, drawn with sample data for one audience, before anyone publishes it (the editor links each audience). */
  preview?: KindPreview<T>;
}

export interface KindPreview<T> {
  /** Whose eyes a preview may take (the editor offers one link each); words: configuration.preview.as.<audience>. */
  audiences: readonly string[];
  /**
   * A document too long for one page (the check-in script's year of weeks), or of several pages (the pulse
   * surveys), is previewed a part at a time: each part's id and name, in order. The preview's `part` names
   * one (one this body does not list is refused, 400); none, the first. The preview page offers the others.
   */
  parts?(body: T, locale: Locale | undefined): readonly PreviewPart[];
  /** The words the page speaks (`{{term.*}}`, renamed labels) when the document is the school's words (terminology): drawn in them, not in those in force. */
  wordsOf?(body: T): Terms;
  render(body: T, view: PreviewView): PreviewPage | Promise<PreviewPage>;
}

export interface PreviewPart {
  id: string;
  label: string;
}

/** What a preview is drawn for: the reader's language, the audience, the part (checked against `parts`), and the school's other documents as they are in force. */
export interface PreviewView {
  locale: Locale | undefined;
  audience: string;
  part: string | undefined;
  inForce<U>(kind: DocumentKind<U>): Promise<U>;
}

export interface PreviewPage {
  view: string;
  model: Record<string, unknown>;
}

/** The student a preview shows its page for: a sample, by name only (no one's record is read). */
export const sampleStudent = (locale: Locale | undefined) => ({ name: t('configuration.preview.sampleStudent', {}, locale) });

/** One problem a kind's own check finds: where (a body path), what (configuration.problems.<code>, with params), and in plain words for logs. */
export interface KindProblem {
  path: string;
  code: string;
  params: Record<string, string>;
  message: string;
}

/**
 * What a feature works out from a document (its own shape, its words), once per body: `current` hands
 * back the same body object while it is cached, so a page or a write derives it once per version read,
 * not once per call.
 */
export function derivedFrom<T extends object, D>(derive: (body: T) => D): (body: T) => D {
  const done = new WeakMap<T, { value: D }>();
  return (body) => {
    let hit = done.get(body);
    if (!hit) done.set(body, (hit = { value: derive(body) }));
    return hit.value;
  };
}

/**
 * A catalogue: data a feature keeps in its own tables, not as versioned documents, that still travels in
 * the configuration's export and import (the supports catalogue: referrals point at its rows, so it is
 * never replaced whole). An import checks it with the documents (one problem refuses everything) and
 * merges it in the same transaction: rows matched are updated, the rest added, none removed.
 */
export interface Catalogue<T = unknown> {
  /** The key in an export's `catalogues`. */
  id: string;
  schema: z.ZodType<T>;
  /** The school's catalogue as an export carries it (read in the tenant's scope). */
  read(tenantId: string): Promise<T>;
  /** Merges an imported catalogue in the import's transaction, as `user` (audited there); true when a row changed. */
  merge(tx: DbOrTx, user: AppUser, body: T): Promise<boolean>;
}

/** A typed catalogue, from the feature that keeps it. */
export const catalogue = <T>(c: Catalogue<T>): Catalogue<T> => c;

/** A typed kind, from the feature that reads it (the registry holds them untyped). */
export const documentKind = <T>(kind: DocumentKind<T>): DocumentKind<T> => kind;
