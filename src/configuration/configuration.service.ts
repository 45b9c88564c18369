import { canonicalize, diffJson } from 'diff';
import type { Db, DbOrTx } from '../db/client.js';
import type { AuditService } from '../audit/audit.service.js';
import type { AppUser } from '../auth/user.js';
import type { Clock } from '../web/clock.js';
import { badRequest, conflict, message, notFound } from '../web/errors.js';
import { authorize, canMap } from '../policies/policy.js';
import { configurationActions, configurationPolicy, type ConfigurationAction } from '../policies/configuration.js';
import { withTenant } from '../db/tenant-scope.js';
import { withTerms } from '../web/i18n.js';
import type { Catalogue, DocumentKind } from './configuration.kinds.js';
import { configurationExport, exportFormat, problemOf, problemsOf, type ConfigProblem, type ConfigurationExport } from './configuration.schemas.js';
import * as repo from './configuration.repository.js';

/** How long a process trusts the document in force it read: another process's publish reaches it within this. */
export const CURRENT_TTL_MS = 30_000;

export interface ConfigurationDeps {
  db: Db;
  clock: Clock;
  audit: Pick<AuditService, 'record'>;
  /** Every kind a feature lets the district change (src/web/app.ts gathers them). */
  kinds: readonly DocumentKind[];
  /** Data kept in features' own tables that travels with the export (the supports catalogue). */
  catalogues?: readonly Catalogue[];
}

/** A document or an import the tool refuses, whole, with every problem named (kind, path, what). */
export class ConfigRefused extends Error {
  override readonly name = 'ConfigRefused';
  constructor(readonly problems: ConfigProblem[]) {
    super(`configuration refused: ${problems.length} problem(s)`);
  }
}

export interface VersionSummary {
  version: number;
  /** `shipped`: version 0 is the tool's default; `baseline`: version 0 is the school's own settings from before its kind was a document. */
  state: 'draft' | 'published' | 'retired' | 'shipped' | 'baseline';
  basedOn: number | null;
  note: string;
  createdBy: string | null;
  createdAt: Date | null;
  publishedAt: Date | null;
}

/** One run of a diff between two versions' JSON: unchanged, added or removed lines. */
export interface DiffRun {
  text: string;
  op: 'same' | 'added' | 'removed';
}

/** Equal as JSON whatever the order of keys (PostgreSQL's jsonb keeps its own order). */
const sameDocument = (a: unknown, b: unknown): boolean => canonicalJson(a) === canonicalJson(b);
// The diff library's canonical form: keys sorted at every depth.
const canonicalJson = (v: unknown): string => JSON.stringify(canonicalize(v, null, null, (_k: string, x: unknown) => x));

const summaryOf = (v: repo.ConfigVersion): VersionSummary => ({ version: v.version, state: v.state, basedOn: v.basedOn, note: v.note, createdBy: v.createdBy, createdAt: v.createdAt, publishedAt: v.publishedAt });
const zeroSummary = (kind: DocumentKind) => ({ version: 0, state: kind.baseline ? ('baseline' as const) : ('shipped' as const), basedOn: null, note: '', createdBy: null, createdAt: null, publishedAt: null });
/** Version 0 of a kind for a school: its baseline where the kind has one, else the shipped default. */
const zeroOf = async (kind: DocumentKind, tenantId: string, via: DbOrTx): Promise<unknown> => (kind.baseline ? kind.baseline(tenantId, via) : kind.shipped());

/**
 * Issue 14's configuration documents: every school difference as versioned data. A change is a draft
 * until an admin publishes it; the versions published before stay (retired), to compare and restore; a
 * restore is a new version with the old body, so the history only grows. Export is every kind's document
 * in force; an import is checked whole before anything is written. Features read the document in force
 * with `current` (cached for CURRENT_TTL_MS); no version means the shipped default.
 */
export function createConfigurationService(deps: ConfigurationDeps) {
  const { db, clock, audit } = deps;
  const kinds = new Map(deps.kinds.map((k) => [k.id, k]));
  const catalogues = new Map((deps.catalogues ?? []).map((c) => [c.id, c]));
  const cache = new Map<string, { at: number; version: number; body: unknown }>();
  const cacheKey = (tenantId: string, kind: string) => `${tenantId}|${kind}`;

  const gate = (user: AppUser, action: ConfigurationAction) => authorize(configurationPolicy, user, action, { tenantId: user.tenantId });
  const kindOf = (id: string): DocumentKind => {
    const kind = kinds.get(id);
    if (!kind) throw notFound();
    return kind;
  };
  /**
   * A body's problems: its schema's, then (when it meets the schema) what it may not change from any body
   * the school has had in force (`history`: the one in force, every earlier one, the shipped default), so a
   * field dropped and added back with more readers is caught as surely as one widened in place. Each
   * problem once.
   */
  const problemsOfChange = (kind: DocumentKind, history: readonly unknown[], body: unknown): ConfigProblem[] => {
    const problems = problemsOf(kind.id, kind.schema, body);
    if (problems.length > 0 || !kind.changeProblems) return problems;
    const next = kind.schema.parse(body);
    const seen = new Map<string, ConfigProblem>();
    for (const earlier of history) {
      const before = kind.schema.safeParse(earlier);
      if (!before.success) continue;
      for (const p of kind.changeProblems(before.data, next)) seen.set(JSON.stringify([p.path, p.code, p.params]), { kind: kind.id, ...p });
    }
    return [...seen.values()];
  };
  const refuseUnlessValid = (kind: DocumentKind, history: readonly unknown[], body: unknown) => {
    const problems = problemsOfChange(kind, history, body);
    if (problems.length > 0) throw new ConfigRefused(problems);
  };
  /** The body in force as the transaction sees it (its published version, else shipped), and every body the school has had in force, newest first. */
  const inForceIn = async (tx: DbOrTx, tenantId: string, kind: DocumentKind): Promise<{ row: repo.ConfigVersion | undefined; body: unknown; history: unknown[] }> => {
    const rows = await repo.versionsOf(tx, tenantId, kind.id);
    const row = rows.find((r) => r.state === 'published');
    const zero = await zeroOf(kind, tenantId, tx);
    const body = row ? row.body : zero;
    const earlier = rows.filter((r) => r.state === 'retired').sort((a, b) => b.version - a.version).map((r) => r.body);
    return { row, body, history: row ? [body, ...earlier, zero] : [body, ...earlier] };
  };

  /** The body of a version (0: the shipped default, or the school's baseline); 404 for a version the kind never had. */
  async function bodyOf(tenantId: string, kind: DocumentKind, version: number): Promise<unknown> {
    if (version === 0) return zeroOf(kind, tenantId, db);
    const row = await repo.versionOf(db, tenantId, kind.id, version);
    if (!row) throw notFound();
    return row.body;
  }

  /**
   * In one transaction with the kind's lock: a new version with the body `next` makes of the one in force,
   * published at once (a restore, a feature page's save), and `also` (the page's own writes) in the same
   * transaction. With `unlessSame`, a body equal to the one in force makes no version (null).
   */
  async function publishNew(user: AppUser, kind: DocumentKind, next: (inForce: unknown) => unknown, opts: { note: string; unlessSame?: boolean; also?: (tx: DbOrTx) => Promise<void> }): Promise<number | null> {
    const { note, also } = opts;
    const at = clock.now();
    const version = await db.transaction(async (tx) => {
      await repo.lockKind(tx, user.tenantId, kind.id);
      const { row: current, body: inForce, history } = await inForceIn(tx, user.tenantId, kind);
      const body = next(inForce);
      await also?.(tx);
      if (opts.unlessSame && sameDocument(inForce, body)) return null;
      refuseUnlessValid(kind, history, body);
      const created = await repo.insertVersion(tx, { tenantId: user.tenantId, kind: kind.id, version: await repo.nextVersion(tx, user.tenantId, kind.id), state: 'retired', body, basedOn: current?.version ?? 0, note, createdBy: user.personId, createdAt: at, updatedAt: at });
      await repo.publish(tx, user.tenantId, kind.id, created.version, user.personId, at);
      await audit.record(user, { action: 'publish', entity: 'configuration', entityId: created.id }, tx);
      return created.version;
    });
    cache.delete(cacheKey(user.tenantId, kind.id));
    return version;
  }

  return {
    /** The document in force for a tenant: its published version, else the shipped default (version 0). For features; no gate (it is how the tool behaves). */
    async current<T>(tenantId: string, kind: DocumentKind<T>, tx?: DbOrTx): Promise<{ version: number; body: T }> {
      const key = cacheKey(tenantId, kind.id);
      const hit = cache.get(key);
      if (hit && Date.now() - hit.at < CURRENT_TTL_MS) return { version: hit.version, body: hit.body as T };
      // Inside a writer's transaction (`tx`, already in the tenant's scope) the read takes its connection: the
      // embedded database has one, which the transaction holds.
      const row = tx ? await repo.inState(tx, tenantId, kind.id, 'published') : await withTenant(tenantId, () => repo.inState(db, tenantId, kind.id, 'published'));
      // A stored body was valid when written; one the schema no longer takes (the tool changed since) falls back to version 0 (the shipped default, or the school's baseline) rather than break pages.
      const parsed = row ? kind.schema.safeParse(row.body) : null;
      const zero = async () => (await (tx ? zeroOf(kind, tenantId, tx) : withTenant(tenantId, () => zeroOf(kind, tenantId, db)))) as T;
      const found = parsed?.success ? { version: row!.version, body: parsed.data } : { version: 0, body: await zero() };
      cache.set(key, { at: Date.now(), ...found });
      return found;
    },

    /**
     * Drops this process's cached document of a kind, for one school or every school: for a kind whose
     * baseline is read from settings a feature still writes (a launch adopting its LMS's zone), when it writes them.
     */
    forget(kind: DocumentKind, tenantId?: string): void {
      if (tenantId !== undefined) cache.delete(cacheKey(tenantId, kind.id));
      else for (const key of cache.keys()) if (key.endsWith(`|${kind.id}`)) cache.delete(key);
    },

    /**
     * Every version of a kind a tenant has had in force (published or retired), newest first, each as its
     * schema reads it (one it no longer takes is left out): for records written under an earlier version,
     * such as plan words in a field a later template dropped. For features; no gate.
     */
    async inForceBefore<T>(tenantId: string, kind: DocumentKind<T>): Promise<{ version: number; body: T }[]> {
      const rows = await withTenant(tenantId, () => repo.versionsOf(db, tenantId, kind.id));
      return rows
        .filter((r) => r.state !== 'draft')
        .sort((a, b) => b.version - a.version)
        .flatMap((r) => {
          const parsed = kind.schema.safeParse(r.body);
          return parsed.success ? [{ version: r.version, body: parsed.data }] : [];
        });
    },

    /** Every kind with its version in force and its draft, for the console's list. */
    async overview(user: AppUser) {
      gate(user, 'view');
      const [published, drafts] = await Promise.all([repo.publishedOfTenant(db, user.tenantId), Promise.all([...kinds.keys()].map((k) => repo.inState(db, user.tenantId, k, 'draft')))]);
      const inForce = new Map(published.map((p) => [p.kind, p.version]));
      await audit.record(user, { action: 'read', entity: 'configuration' });
      return {
        can: canMap(configurationPolicy, user, configurationActions, { tenantId: user.tenantId }),
        kinds: [...kinds.keys()].map((id, i) => ({ id, published: inForce.get(id) ?? 0, draft: drafts[i] ? { version: drafts[i].version, edits: drafts[i].edits } : null })),
      };
    },

    /**
     * A kind's editor page: the version in force, the draft (its body and save count) or else the body
     * in force to start one from, every version, and what the admin may do. One audited read.
     */
    async editor(user: AppUser, kindId: string) {
      gate(user, 'view');
      const kind = kindOf(kindId);
      const [rows, inForce] = await Promise.all([repo.versionsOf(db, user.tenantId, kind.id), this.current(user.tenantId, kind)]);
      const draft = rows.find((r) => r.state === 'draft');
      await audit.record(user, { action: 'read', entity: 'configuration' });
      return {
        kind: kind.id,
        schema: kind.schema,
        previewAs: kind.preview?.audiences ?? [],
        inForce: inForce.version,
        draft: draft ? { version: draft.version, edits: draft.edits, basedOn: draft.basedOn, note: draft.note } : null,
        body: draft ? draft.body : inForce.body,
        versions: [...rows.map(summaryOf), zeroSummary(kind)],
        zero: zeroSummary(kind).state,
        can: canMap(configurationPolicy, user, configurationActions, { tenantId: user.tenantId }),
      };
    },

    /**
     * A version's page as people would see it (0: shipped; a draft before it is published), for one of
     * the kind's audiences, with sample data: what the kind's preview draws. 404 for a kind without one.
     */
    async preview(user: AppUser, kindId: string, version: number, audience: string, part?: string) {
      gate(user, 'view');
      const kind = kindOf(kindId);
      const preview = kind.preview;
      if (!preview) throw notFound();
      if (!preview.audiences.includes(audience)) throw badRequest(message('configuration.errors.previewAudience'), 'bad_preview_audience');
      const parsed = kind.schema.safeParse(await bodyOf(user.tenantId, kind, version));
      // A stored version the schema no longer takes has nothing to draw: the editor shows its problems instead.
      if (!parsed.success) throw new ConfigRefused(problemsOf(kind.id, kind.schema, parsed.data));
      const body = parsed.data;
      const parts = preview.parts?.(body, user.locale) ?? [];
      const chosen = part === undefined ? parts[0] : parts.find((p) => p.id === part);
      if (part !== undefined && !chosen) throw badRequest(message('configuration.errors.previewPart'), 'bad_preview_part');
      await audit.record(user, { action: 'read', entity: 'configuration' });
      // Drawn in the document's own words where it is the school's words (terminology), else in those in force.
      const words = preview.wordsOf?.(body);
      const inForce = async <U>(other: DocumentKind<U>) => (await this.current(user.tenantId, other)).body;
      const page = await withTerms(words, () => preview.render(body, { locale: user.locale, audience, part: chosen?.id, inForce }));
      return { ...page, words, parts: parts.map((p) => ({ ...p, current: p === chosen })) };
    },

    /** What version 0 of a kind is, for its label: the shipped default, or the school's own settings from before versions. */
    zeroOf(kindId: string): 'shipped' | 'baseline' {
      return kindOf(kindId).baseline ? 'baseline' : 'shipped';
    },

    /** The kind's schema, to read a posted editor form back into a body. */
    schemaOf(user: AppUser, kindId: string) {
      gate(user, 'edit');
      return kindOf(kindId).schema;
    },

    /** A kind's versions, newest first, ending with the shipped default. */
    async history(user: AppUser, kindId: string): Promise<VersionSummary[]> {
      gate(user, 'view');
      const kind = kindOf(kindId);
      const rows = await repo.versionsOf(db, user.tenantId, kind.id);
      await audit.record(user, { action: 'read', entity: 'configuration' });
      return [...rows.map(summaryOf), zeroSummary(kind)];
    },

    /** One version's body (0: shipped), to show or to start an edit from. */
    async body(user: AppUser, kindId: string, version: number): Promise<unknown> {
      gate(user, 'view');
      const body = await bodyOf(user.tenantId, kindOf(kindId), version);
      await audit.record(user, { action: 'read', entity: 'configuration' });
      return body;
    },

    /** The kind's draft (its version, body and save count), or null. */
    async draft(user: AppUser, kindId: string) {
      gate(user, 'view');
      const row = await repo.inState(db, user.tenantId, kindOf(kindId).id, 'draft');
      return row ? { version: row.version, body: row.body, edits: row.edits, basedOn: row.basedOn, note: row.note } : null;
    },

    /**
     * Saves the kind's draft: starts one (from the body given) when `edits` is null and there is none;
     * otherwise saves over it when `edits` is the save count the editor read (a stale page: 409, the
     * newer draft kept). A body the schema refuses is refused whole (ConfigRefused, every problem named).
     */
    async saveDraft(user: AppUser, kindId: string, input: { body: unknown; edits: number | null; note?: string }): Promise<{ version: number; edits: number }> {
      gate(user, 'edit');
      const kind = kindOf(kindId);
      const at = clock.now();
      return db.transaction(async (tx) => {
        await repo.lockKind(tx, user.tenantId, kind.id);
        refuseUnlessValid(kind, (await inForceIn(tx, user.tenantId, kind)).history, input.body);
        const draft = await repo.inState(tx, user.tenantId, kind.id, 'draft');
        if (draft === undefined && input.edits === null) {
          const published = await repo.inState(tx, user.tenantId, kind.id, 'published');
          const created = await repo.insertVersion(tx, { tenantId: user.tenantId, kind: kind.id, version: await repo.nextVersion(tx, user.tenantId, kind.id), state: 'draft', body: input.body, basedOn: published?.version ?? 0, note: input.note ?? '', createdBy: user.personId, createdAt: at, updatedAt: at });
          await audit.record(user, { action: 'create', entity: 'configuration', entityId: created.id }, tx);
          return { version: created.version, edits: created.edits };
        }
        const saved = draft && input.edits !== null ? await repo.saveDraft(tx, user.tenantId, kind.id, input.edits, input.body, input.note ?? draft.note, at) : undefined;
        if (!saved) throw conflict(message('configuration.errors.staleDraft'), 'stale_draft');
        await audit.record(user, { action: 'update', entity: 'configuration', entityId: saved.id }, tx);
        return { version: saved.version, edits: saved.edits };
      });
    },

    /** Drops the kind's draft (nothing in force changes); 404 when there is none. */
    async discard(user: AppUser, kindId: string): Promise<void> {
      gate(user, 'edit');
      const kind = kindOf(kindId);
      await db.transaction(async (tx) => {
        if (!(await repo.deleteDraft(tx, user.tenantId, kind.id))) throw notFound();
        await audit.record(user, { action: 'delete', entity: 'configuration' }, tx);
      });
    },

    /** Puts the draft in force (the one published before is retired). `version`: the draft the admin reviewed; another (a newer draft) is a 409. */
    async publish(user: AppUser, kindId: string, version: number): Promise<void> {
      gate(user, 'publish');
      const kind = kindOf(kindId);
      const at = clock.now();
      await db.transaction(async (tx) => {
        await repo.lockKind(tx, user.tenantId, kind.id);
        const draft = await repo.inState(tx, user.tenantId, kind.id, 'draft');
        if (!draft || draft.version !== version) throw conflict(message('configuration.errors.staleDraft'), 'stale_draft');
        // A version that went in force after the draft began (a restore, an import, a feature page's change)
        // would be undone unseen by publishing it: the admin compares and begins again from the one in force.
        const inForce = (await repo.inState(tx, user.tenantId, kind.id, 'published'))?.version ?? 0;
        if (inForce !== draft.basedOn) throw conflict(message('configuration.errors.inForceChanged', { draft: String(draft.version), based: String(draft.basedOn), now: String(inForce) }), 'in_force_changed');
        // Checked again: the schema may have changed since the draft was saved (a new release of the tool), or another version gone in force.
        refuseUnlessValid(kind, (await inForceIn(tx, user.tenantId, kind)).history, draft.body);
        await repo.publish(tx, user.tenantId, kind.id, draft.version, user.personId, at);
        await audit.record(user, { action: 'publish', entity: 'configuration', entityId: draft.id }, tx);
      });
      cache.delete(cacheKey(user.tenantId, kind.id));
    },

    /** Puts an earlier version (0: the shipped default) back in force, as a new version with its body. */
    async restore(user: AppUser, kindId: string, version: number): Promise<number> {
      gate(user, 'publish');
      const kind = kindOf(kindId);
      const body = await bodyOf(user.tenantId, kind, version);
      // The admin asked for this version in force: a new one even when it holds the same body.
      return (await publishNew(user, kind, () => body, { note: `restored:${version}` }))!;
    },

    /**
     * A feature's own settings page saves into its kind's document: `change` makes the next body from the
     * one in force, published at once as a new version (checked, audited and versioned as any other; a
     * draft the console holds stays a draft), under the kind's lock so two pages' saves never lose one
     * another's change. `also` runs in the same transaction (the page's own audit entry). Returns the
     * version, or null when the change leaves the document as it was (nothing published).
     */
    async amend<T>(user: AppUser, kind: DocumentKind<T>, change: (inForce: T) => T, also?: (tx: DbOrTx) => Promise<void>): Promise<number | null> {
      gate(user, 'publish');
      const known = kindOf(kind.id);
      return publishNew(
        user,
        known,
        (inForce) => {
          const parsed = known.schema.safeParse(inForce);
          // A stored body this release no longer takes: the admin sees its problems rather than a change made to half a document.
          if (!parsed.success) throw new ConfigRefused(problemsOf(kind.id, kind.schema, inForce));
          return change(parsed.data as T);
        },
        { note: 'amended', unlessSame: true, also },
      );
    },

    /** What changed from version `a` to `b` of a kind (0: shipped), as runs of its pretty-printed JSON. */
    async diff(user: AppUser, kindId: string, a: number, b: number): Promise<DiffRun[]> {
      gate(user, 'view');
      const kind = kindOf(kindId);
      const [before, after] = await Promise.all([bodyOf(user.tenantId, kind, a), bodyOf(user.tenantId, kind, b)]);
      await audit.record(user, { action: 'read', entity: 'configuration' });
      return diffJson(before as object, after as object).map((c) => ({ text: c.value, op: c.added ? 'added' : c.removed ? 'removed' : 'same' }));
    },

    /** Every kind's document in force, to load into another instance (import). */
    async exportAll(user: AppUser): Promise<ConfigurationExport> {
      gate(user, 'export');
      const documents: Record<string, unknown> = {};
      for (const kind of kinds.values()) documents[kind.id] = (await this.current(user.tenantId, kind)).body;
      const carried: Record<string, unknown> = {};
      for (const c of catalogues.values()) carried[c.id] = await withTenant(user.tenantId, () => c.read(user.tenantId));
      // An export is a read of every document in force, and of the catalogues.
      await audit.record(user, { action: 'read', entity: 'configuration_export' });
      return { format: exportFormat, formatVersion: 1, exportedAt: clock.now().toISOString(), documents, catalogues: carried };
    },

    /** Refuses (403) anyone who may not import, before their upload is read. */
    checkImport(user: AppUser): void {
      gate(user, 'import');
    },

    /**
     * Loads an export: every kind it names is checked before anything is written, and one problem refuses
     * it whole (ConfigRefused naming every problem: an unknown kind, each schema error with its path).
     * Each document that differs from the one in force is published as a new version, and each catalogue
     * merged, in one transaction. Returns the kinds and catalogues it changed.
     */
    async importAll(user: AppUser, raw: unknown): Promise<string[]> {
      gate(user, 'import');
      const envelope = configurationExport.safeParse(raw);
      if (!envelope.success) throw new ConfigRefused(envelope.error.issues.map((i) => problemOf('', i)));
      const entries = Object.entries(envelope.data.documents);
      // What each document is, first: a change is only checked (below, under the kinds' locks) in an import whose every document is one.
      const malformed = entries.flatMap(([id, body]): ConfigProblem[] => {
        const kind = kinds.get(id);
        return kind ? problemsOf(id, kind.schema, body) : [{ kind: id, path: '', code: 'unknown_kind', params: {}, message: 'unknown document kind' }];
      });
      const carried = Object.entries(envelope.data.catalogues ?? {}).map(([id, body]) => ({ id, catalogue: catalogues.get(id), parsed: catalogues.get(id)?.schema.safeParse(body) }));
      for (const { id, catalogue, parsed } of carried) {
        if (!catalogue) malformed.push({ kind: id, path: '', code: 'unknown_kind', params: {}, message: 'unknown catalogue' });
        else if (!parsed!.success) malformed.push(...parsed!.error.issues.map((i) => problemOf(id, i)));
      }
      if (malformed.length > 0) throw new ConfigRefused(malformed);
      const changed: string[] = [];
      const at = clock.now();
      await db.transaction(async (tx) => {
        // Every document is checked against the one in force under its lock before anything is written: one problem refuses the import whole.
        const checked = [];
        for (const [id, body] of entries) {
          const kind = kinds.get(id)!;
          await repo.lockKind(tx, user.tenantId, id);
          const { row: published, body: inForce, history } = await inForceIn(tx, user.tenantId, kind);
          checked.push({ id, body, published, inForce, problems: problemsOfChange(kind, history, body) });
        }
        const problems = checked.flatMap((c) => c.problems);
        if (problems.length > 0) throw new ConfigRefused(problems);
        for (const { id, body, published, inForce } of checked) {
          if (sameDocument(inForce, body)) continue;
          const created = await repo.insertVersion(tx, { tenantId: user.tenantId, kind: id, version: await repo.nextVersion(tx, user.tenantId, id), state: 'retired', body, basedOn: published?.version ?? 0, note: 'imported', createdBy: user.personId, createdAt: at, updatedAt: at });
          await repo.publish(tx, user.tenantId, id, created.version, user.personId, at);
          changed.push(id);
        }
        for (const { id, catalogue, parsed } of carried) if (await catalogue!.merge(tx, user, parsed!.data)) changed.push(id);
        await audit.record(user, { action: 'update', entity: 'configuration_import' }, tx);
      });
      for (const id of changed) cache.delete(cacheKey(user.tenantId, id));
      return changed;
    },
  };
}
export type ConfigurationService = ReturnType<typeof createConfigurationService>;
