import type { Db } from '../db/client.js';
import type { Clock } from '../web/clock.js';
import type { AppUser } from '../auth/user.js';
import { actionOwners, type ActionEditInput, type ActionInput, type CompleteInput } from '../team-actions/team-actions.js';
import type { AuditService } from '../audit/audit.service.js';
import type { RosterService } from '../roster/roster.service.js';
import type { SchoolsService } from '../schools/schools.service.js';
import { authorize, canMap } from '../policies/policy.js';
import { teamMapPolicy, teamMapActions, type TeamMapAction, type TeamMapResource } from '../policies/team-map.js';
import { notFound } from '../web/errors.js';
import { defaultLocale, t, type Locale } from '../web/i18n.js';
import { InvalidInput, sortFieldSaves, validForm, type ParsedForm } from '../web/forms.js';
import { localDate } from '../web/time-zone.js';
import { wordDiff } from '../plans/diff.js';
import { mapIdParam, mapSections, sectionOfField, type MapExample, type NewMapInput, type SectionSave } from './team-maps.schemas.js';
import * as repo from './team-maps.repository.js';

/** Whose maps: a school team's, or the district team's (null). */
export interface Team {
  schoolId: string | null;
}

/** Words someone else saved since the form was loaded: kept, and shown beside the editor's. */
export interface FieldConflict {
  key: string;
  theirs: { text: string; authorName: string; at: Date };
  yours: string;
  /** The version now saved: saving again from the conflict page is a deliberate overwrite. */
  version: number;
}

export interface SectionSaveOutcome {
  saved: string[];
  unchanged: string[];
  conflicts: FieldConflict[];
}

export interface TeamMapsDeps {
  db: Db;
  clock: Clock;
  audit: Pick<AuditService, 'record'>;
  roster: Pick<RosterService, 'namesOf' | 'staffHolding'>;
  schools: Pick<SchoolsService, 'list'>;
  /** The convening's example in each language (loadMapExamples). */
  examples: Record<string, MapExample>;
  /** The school's IANA zone: an action's due day is a day there. */
  timeZoneOf: (tenantId: string) => Promise<string>;
}

/**
 * Success Maps (issue 13, seed 000's appendix): a team's shared document in six sections, co-edited
 * under the plans' no-lost-edits rule, with tracked actions. Every read and write is audited
 * (entity team_map, team_map_history, team_map_action); no record text is logged.
 */
export function createTeamMapsService(deps: TeamMapsDeps) {
  const { db, clock, audit, roster } = deps;
  const someone = (locale: Locale | undefined) => t('common.someone', {}, locale);
  const resourceOf = (tenantId: string, schoolId: string | null): TeamMapResource => ({ tenantId, schoolId });

  /** The team's name (a school's, or the district), once the user may see its maps; an unknown school is not found. */
  async function teamName(user: AppUser, team: Team): Promise<string> {
    if (team.schoolId === null) return t('teamMaps.district', {}, user.locale);
    const school = (await deps.schools.list(user.tenantId)).find((s) => s.id === team.schoolId);
    if (!school) throw notFound();
    return school.name;
  }

  /** A school id from the URL: malformed is not found, like an id of no school. */
  function teamOf(schoolId: string | null): Team {
    if (schoolId !== null && !mapIdParam.safeParse(schoolId).success) throw notFound();
    return { schoolId };
  }

  /** The map, for a user the policy lets do `action` to its team's maps; a malformed or unknown id is not found. */
  async function open(user: AppUser, mapId: string, action: TeamMapAction): Promise<repo.TeamMap> {
    if (!mapIdParam.safeParse(mapId).success) throw notFound();
    const map = await repo.findMap(db, user.tenantId, mapId);
    if (!map) throw notFound();
    authorize(teamMapPolicy, user, action, resourceOf(map.tenantId, map.schoolId));
    return map;
  }

  /** Who may own an action: staff of the team's school (those holding a staff role there or at every school); any staff for the district's. */
  const ownersOf = (tenantId: string, schoolId: string | null) => actionOwners(roster, tenantId, schoolId);

  async function checkOwner(tenantId: string, schoolId: string | null, ownerId: string, posted: unknown, locale: Locale | undefined): Promise<void> {
    if (!(await ownersOf(tenantId, schoolId)).some((o) => o.id === ownerId)) throw new InvalidInput({ owner: t('teamMaps.errors.owner', {}, locale) }, posted);
  }

  /** The map as a page: its six sections with each field's words, author and version, its actions, and what the user may do. */
  async function page(user: AppUser, map: repo.TeamMap) {
    const [entries, actions, owners, zone] = await Promise.all([repo.entries(db, user.tenantId, map.id), repo.actions(db, user.tenantId, map.id), ownersOf(user.tenantId, map.schoolId), deps.timeZoneOf(user.tenantId)]);
    const names = await roster.namesOf(user.tenantId, [...entries.map((e) => e.authorId), ...actions.map((a) => a.ownerId), ...(map.updatedBy ? [map.updatedBy] : [])]);
    const nameOf = (id: string) => names.get(id) || someone(user.locale);
    const today = localDate(clock.now(), zone);
    const team = await teamName(user, map);
    const sections = mapSections.map((sec) => ({
      key: sec.key,
      fields: sec.fields.map((key) => {
        const e = entries.find((x) => x.fieldKey === key);
        return { key, entry: e ? { text: e.text, authorName: nameOf(e.authorId), updatedAt: e.updatedAt, version: e.version } : null };
      }),
    }));
    return {
      map: { ...map, updatedByName: map.updatedBy ? nameOf(map.updatedBy) : null },
      team: { schoolId: map.schoolId, name: team },
      sections,
      actions: actions.map((a) => ({ ...a, ownerName: nameOf(a.ownerId), overdue: a.status !== 'done' && a.dueOn !== null && a.dueOn < today })),
      owners,
      today,
      can: canMap(teamMapPolicy, user, teamMapActions, resourceOf(user.tenantId, map.schoolId)),
    };
  }

  return {
    /** A team's maps (the list page), with whether the user may start one. Audited. */
    async index(user: AppUser, schoolId: string | null) {
      const team = teamOf(schoolId);
      authorize(teamMapPolicy, user, 'list', resourceOf(user.tenantId, team.schoolId));
      const name = await teamName(user, team);
      const maps = await repo.mapsOf(db, user.tenantId, team.schoolId);
      const names = await roster.namesOf(user.tenantId, maps.flatMap((m) => (m.updatedBy ? [m.updatedBy] : [])));
      await audit.record(user, { action: 'read', entity: 'team_map', entityId: null });
      return {
        team: { schoolId: team.schoolId, name },
        maps: maps.map((m) => ({ id: m.id, title: m.title, updatedAt: m.updatedAt, updatedByName: m.updatedBy ? names.get(m.updatedBy) || someone(user.locale) : null, fromExample: m.fromExample })),
        can: canMap(teamMapPolicy, user, ['create'], resourceOf(user.tenantId, team.schoolId)),
      };
    },

    /**
     * A new map for the team: blank, or started from the convening's example in the user's language
     * (each field's words written as the user's first revision, so the history says where they came from). Audited.
     */
    async create(user: AppUser, schoolId: string | null, parsed: ParsedForm<NewMapInput>): Promise<string> {
      const team = teamOf(schoolId);
      authorize(teamMapPolicy, user, 'create', resourceOf(user.tenantId, team.schoolId));
      await teamName(user, team);
      const form = validForm(parsed, user.locale);
      const at = clock.now();
      const example = form.start === 'example' ? (deps.examples[user.locale ?? defaultLocale] ?? deps.examples[defaultLocale]!) : null;
      return db.transaction(async (tx) => {
        const map = await repo.insertMap(tx, { tenantId: user.tenantId, schoolId: team.schoolId, title: form.title, fromExample: example !== null, version: example ? 1 : 0, createdBy: user.personId, updatedBy: user.personId, updatedAt: at, createdAt: at });
        if (example) {
          const fields = Object.entries(example.fields);
          for (const [fieldKey, text] of fields) await repo.upsertEntry(tx, { tenantId: user.tenantId, mapId: map.id, fieldKey, text, authorId: user.personId, at });
          await repo.addRevisions(tx, fields.map(([fieldKey, text]) => ({ tenantId: user.tenantId, mapId: map.id, fieldKey, oldText: '', newText: text, authorId: user.personId, mapVersion: 1, at })));
        }
        await audit.record(user, { action: 'create', entity: 'team_map', entityId: map.id }, tx);
        return map.id;
      });
    },

    /** The map page. Audited. */
    async view(user: AppUser, mapId: string) {
      const map = await open(user, mapId, 'view');
      const view = await page(user, map);
      await audit.record(user, { action: 'read', entity: 'team_map', entityId: map.id });
      return view;
    },

    /** The printable map (one or two pages). Audited as a read. */
    async print(user: AppUser, mapId: string) {
      const map = await open(user, mapId, 'print');
      const view = await page(user, map);
      await audit.record(user, { action: 'read', entity: 'team_map', entityId: map.id });
      return view;
    },

    /**
     * Saves one section's fields, the plans' rule: each field carries the version of its words the
     * editor loaded; a field someone changed since is left as it is and comes back as a conflict with
     * their words, while the section's other fields are saved. Unchanged fields write nothing. Saves to
     * one map take turns (the map row is locked), so concurrent saves of different fields all land.
     */
    async saveSection(user: AppUser, mapId: string, parsed: ParsedForm<SectionSave>): Promise<SectionSaveOutcome> {
      const map = await open(user, mapId, 'edit');
      const form = validForm(parsed, user.locale);
      const at = clock.now();
      const result = await db.transaction(async (tx) => {
        const locked = await repo.lockMap(tx, user.tenantId, map.id);
        const current = new Map((await repo.entries(tx, user.tenantId, map.id)).map((e) => [e.fieldKey, e]));
        const { changed, unchanged, stale } = sortFieldSaves(form.fields, current);
        if (changed.length > 0) {
          const touched = await repo.touchMap(tx, locked, user.personId, at);
          for (const c of changed) await repo.upsertEntry(tx, { tenantId: user.tenantId, mapId: map.id, fieldKey: c.key, text: c.text, authorId: user.personId, at });
          await repo.addRevisions(tx, changed.map((c) => ({ tenantId: user.tenantId, mapId: map.id, fieldKey: c.key, oldText: current.get(c.key)?.text ?? '', newText: c.text, authorId: user.personId, mapVersion: touched.version, at })));
          await audit.record(user, { action: 'update', entity: 'team_map', entityId: map.id }, tx);
        }
        return { saved: changed.map((c) => c.key), unchanged, stale };
      });
      const names = await roster.namesOf(user.tenantId, result.stale.map((c) => c.theirs.authorId));
      return {
        saved: result.saved,
        unchanged: result.unchanged,
        conflicts: result.stale.map((c) => ({ key: c.key, theirs: { text: c.theirs.text, authorName: names.get(c.theirs.authorId) || t('common.someoneElse', {}, user.locale), at: c.theirs.updatedAt }, yours: c.yours, version: c.theirs.version })),
      };
    },

    /** Every change to the map's words, newest first, with a word-level diff. Audited. */
    async history(user: AppUser, mapId: string) {
      const map = await open(user, mapId, 'viewHistory');
      const revisions = await repo.revisions(db, user.tenantId, map.id);
      const names = await roster.namesOf(user.tenantId, revisions.map((r) => r.authorId));
      await audit.record(user, { action: 'read', entity: 'team_map_history', entityId: map.id });
      return {
        map,
        team: { schoolId: map.schoolId, name: await teamName(user, map) },
        revisions: revisions
          .filter((r) => sectionOfField.has(r.fieldKey))
          .map((r) => ({ ...r, label: t(`teamMaps.fields.${r.fieldKey}.label`, {}, user.locale), authorName: names.get(r.authorId) || someone(user.locale), parts: wordDiff(r.oldText, r.newText) })),
      };
    },

    /** A new action on the map, owned by a staff member of the team's school. Audited. (A resubmitted form creates nothing: src/web/once.ts.) */
    async addAction(user: AppUser, mapId: string, parsed: ParsedForm<ActionInput>): Promise<string> {
      const map = await open(user, mapId, 'edit');
      const form = validForm(parsed, user.locale);
      await checkOwner(user.tenantId, map.schoolId, form.owner, parsed, user.locale);
      const at = clock.now();
      return db.transaction(async (tx) => {
        const action = await repo.insertAction(tx, { tenantId: user.tenantId, mapId: map.id, title: form.title, ownerId: form.owner, dueOn: form.due, status: form.status, createdBy: user.personId, createdAt: at, updatedBy: user.personId, updatedAt: at });
        await audit.record(user, { action: 'create', entity: 'team_map_action', entityId: action.id }, tx);
        return action.id;
      });
    },

    /**
     * Changes an action as the page showed it (its version): false when someone changed it since, so
     * nothing is written over their change. An action of another map is not found. Audited.
     */
    async editAction(user: AppUser, mapId: string, actionId: string, parsed: ParsedForm<ActionEditInput>): Promise<boolean> {
      const map = await open(user, mapId, 'edit');
      const form = validForm(parsed, user.locale);
      await checkOwner(user.tenantId, map.schoolId, form.owner, parsed, user.locale);
      return change(user, map, actionId, form.version, { title: form.title, ownerId: form.owner, dueOn: form.due, status: form.status });
    },

    /** Marks an action done (the page's one-click "Done"), under the same version guard. */
    async completeAction(user: AppUser, mapId: string, actionId: string, parsed: ParsedForm<CompleteInput>): Promise<boolean> {
      const map = await open(user, mapId, 'edit');
      const form = validForm(parsed, user.locale);
      return change(user, map, actionId, form.version, { status: 'done' });
    },
  };

  async function change(user: AppUser, map: repo.TeamMap, actionId: string, version: number, patch: Parameters<typeof repo.updateAction>[2] extends infer P ? Omit<P, 'updatedBy' | 'updatedAt'> : never): Promise<boolean> {
    if (!mapIdParam.safeParse(actionId).success || !(await repo.findAction(db, user.tenantId, map.id, actionId))) throw notFound();
    return db.transaction(async (tx) => {
      const row = await repo.updateAction(tx, { tenantId: user.tenantId, mapId: map.id, actionId, version }, { ...patch, updatedBy: user.personId, updatedAt: clock.now() });
      if (row) await audit.record(user, { action: 'update', entity: 'team_map_action', entityId: actionId }, tx);
      return row !== undefined;
    });
  }
}
export type TeamMapsService = ReturnType<typeof createTeamMapsService>;
