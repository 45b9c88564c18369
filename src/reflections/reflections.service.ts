import type { Db } from '../db/client.js';
import type { Clock } from '../web/clock.js';
import type { AppUser } from '../auth/user.js';
import type { AuditService } from '../audit/audit.service.js';
import type { SchoolViewService } from '../dashboards/school.service.js';
import type { SchoolsService } from '../schools/schools.service.js';
import type { RosterService } from '../roster/roster.service.js';
import { actionOwners, type ActionEditInput, type ActionInput, type CompleteInput } from '../team-actions/team-actions.js';
import { t } from '../web/i18n.js';
import type { EvidenceCardKind, EvidenceFigures } from '../dashboards/evidence-cards.js';
import { authorize, canMap } from '../policies/policy.js';
import { reflectionActions, reflectionPolicy, type ReflectionAction } from '../policies/reflection.js';
import { badRequest, message, notFound } from '../web/errors.js';
import { isUuid } from '../web/ids.js';
import { localDate } from '../web/time-zone.js';
import { InvalidInput, sortFieldSaves, validForm, type ParsedForm, type PostedField } from '../web/forms.js';
import { lookForKeys, lookForRatings, reflectionComponents, type LookForRating, type ReflectionComponent, type ReflectionTool } from './reflection-tool.js';
import * as repo from './reflections.repository.js';

export interface ReflectionsDeps {
  db: Db;
  clock: Clock;
  audit: Pick<AuditService, 'record'>;
  /** The school view's figures: a card shows exactly what the school view shows for that school and day. */
  schoolView: Pick<SchoolViewService, 'evidence'>;
  schools: Pick<SchoolsService, 'list'>;
  roster: Pick<RosterService, 'namesOf' | 'staffHolding'>;
  /** The tool's content in English (its keys are the same in every language). */
  tool: ReflectionTool;
  /** The tool in every language the app speaks (loadReflectionTools), for the pages. */
  tools?: Record<string, ReflectionTool>;
  timeZoneOf: (tenantId: string) => Promise<string>;
}

/**
 * The Reflection and Action Planning Tool (issue 13, item 2): a team's reflection cycles, each rating
 * the look-fors of the four core components and holding evidence cards, the school view's figures
 * frozen as of the day they were attached, shown beside today's. Audited as reflection_cycle,
 * reflection_rating and reflection_card; no text is logged.
 */
export function createReflectionsService(deps: ReflectionsDeps) {
  const { db, clock, audit } = deps;

  async function open(user: AppUser, cycleId: string, action: ReflectionAction): Promise<repo.ReflectionCycle> {
    const cycle = isUuid(cycleId) ? await repo.findCycle(db, user.tenantId, cycleId) : undefined;
    if (!cycle) throw notFound();
    authorize(reflectionPolicy, user, action, { tenantId: cycle.tenantId, schoolId: cycle.schoolId });
    return cycle;
  }

  const isComponent = (c: string): c is ReflectionComponent => (reflectionComponents as readonly string[]).includes(c);

  /** The team's name (a school's, or the district's) and the tenant's schools; an unknown school is not found. */
  async function teamOf(user: AppUser, schoolId: string | null) {
    const schools = (await deps.schools.list(user.tenantId)).map((s) => ({ id: s.id, name: s.name }));
    if (schoolId === null) return { schoolId, name: null, schools };
    const school = schools.find((s) => s.id === schoolId);
    if (!school) throw notFound();
    return { schoolId, name: school.name, schools };
  }

  return {
    /** The tool's words in the reader's language (English when there is no overlay). */
    toolIn: (locale: string | undefined): ReflectionTool => deps.tools?.[locale ?? 'en'] ?? deps.tool,

    /** Refuses (404/403) a user who may not work on the cycle: a route's gate before it reads the posted form. */
    async mayEdit(user: AppUser, cycleId: string): Promise<void> {
      await open(user, cycleId, 'edit');
    },

    /** Refuses (404/403) a user who may not start the team's cycles. */
    mayStart(user: AppUser, schoolId: string | null): void {
      if (schoolId !== null && !isUuid(schoolId)) throw notFound();
      authorize(reflectionPolicy, user, 'create', { tenantId: user.tenantId, schoolId });
    },

    /** A team's cycles (the list page), newest first, with whether the user may start one. Audited. */
    async index(user: AppUser, schoolId: string | null) {
      if (schoolId !== null && !isUuid(schoolId)) throw notFound();
      const resource = { tenantId: user.tenantId, schoolId };
      authorize(reflectionPolicy, user, 'list', resource);
      const team = await teamOf(user, schoolId);
      const cycles = await repo.cyclesOf(db, user.tenantId, schoolId);
      await audit.record(user, { action: 'read', entity: 'reflection_cycle', entityId: null });
      return { team: { schoolId, name: team.name }, cycles: cycles.reverse(), can: canMap(reflectionPolicy, user, reflectionActions, resource) };
    },

    /** Starts a cycle for a school team (`schoolId`) or the district team (null), held today at the school. */
    async startCycle(user: AppUser, schoolId: string | null, title: string): Promise<repo.ReflectionCycle> {
      if (schoolId !== null && !isUuid(schoolId)) throw notFound();
      authorize(reflectionPolicy, user, 'create', { tenantId: user.tenantId, schoolId });
      const heldOn = localDate(clock.now(), await deps.timeZoneOf(user.tenantId));
      return db.transaction(async (tx) => {
        const cycle = await repo.insertCycle(tx, { tenantId: user.tenantId, schoolId, title, heldOn, createdBy: user.personId });
        await audit.record(user, { action: 'create', entity: 'reflection_cycle', entityId: cycle.id }, tx);
        return cycle;
      });
    },

    /**
     * The team's cycles over the year side by side: per look-for (`<component>.<inquiry>.<look-for>`,
     * in the tool's order), its rating in each cycle, oldest cycle first (null: not rated then).
     */
    async compare(user: AppUser, schoolId: string | null) {
      if (schoolId !== null && !isUuid(schoolId)) throw notFound();
      authorize(reflectionPolicy, user, 'compare', { tenantId: user.tenantId, schoolId });
      const cycles = await repo.cyclesOf(db, user.tenantId, schoolId);
      const ratings = await repo.ratingsOfCycles(db, user.tenantId, cycles.map((c) => c.id));
      const rated = new Map(ratings.map((r) => [`${r.cycleId} ${r.lookFor}`, r.rating as LookForRating]));
      const team = await teamOf(user, schoolId);
      await audit.record(user, { action: 'read', entity: 'reflection_cycle', entityId: null });
      return {
        team: { schoolId, name: team.name },
        cycles: cycles.map((c) => ({ id: c.id, title: c.title, heldOn: c.heldOn })),
        lookFors: reflectionComponents.flatMap((component) =>
          lookForKeys(deps.tool, component).map((key) => ({ key: `${component}.${key}`, ratings: cycles.map((c) => rated.get(`${c.id} ${component}.${key}`) ?? null) })),
        ),
      };
    },

    /** A cycle with its ratings and cards; each card's frozen figures beside today's, computed live by the school view. */
    async cycle(user: AppUser, cycleId: string) {
      const cycle = await open(user, cycleId, 'view');
      const [ratings, cards, entries] = await Promise.all([repo.ratings(db, user.tenantId, cycle.id), repo.cards(db, user.tenantId, cycle.id), repo.entries(db, user.tenantId, cycle.id)]);
      const withNow = await Promise.all(
        cards.map(async (c) => ({ ...c, figures: c.figures as EvidenceFigures, now: await deps.schoolView.evidence(user, c.schoolId, c.kind as EvidenceCardKind) })),
      );
      const team = await teamOf(user, cycle.schoolId);
      const [actions, owners, zone] = await Promise.all([repo.actions(db, user.tenantId, cycle.id), actionOwners(deps.roster, user.tenantId, cycle.schoolId), deps.timeZoneOf(user.tenantId)]);
      const names = await deps.roster.namesOf(user.tenantId, actions.map((a) => a.ownerId));
      const today = localDate(clock.now(), zone);
      await audit.record(user, { action: 'read', entity: 'reflection_cycle', entityId: cycle.id });
      return {
        cycle,
        team: { schoolId: cycle.schoolId, name: team.name },
        /** The schools a district team's card may be of. */
        schools: cycle.schoolId === null ? team.schools : [],
        actions: actions.map((a) => ({ ...a, ownerName: names.get(a.ownerId) || t('common.someone', {}, user.locale), overdue: a.status !== 'done' && a.dueOn !== null && a.dueOn < today })),
        owners,
        ratings: new Map(ratings.map((r) => [r.lookFor, r.rating as LookForRating])),
        cards: withNow,
        reflections: new Map(entries.map((e) => [e.component, { text: e.text, version: e.version, authorId: e.authorId }])),
        can: canMap(reflectionPolicy, user, reflectionActions, { tenantId: cycle.tenantId, schoolId: cycle.schoolId }),
      };
    },

    /**
     * Saves the team's reflections, one field per component, under the no-lost-edits rule
     * (src/web/forms.ts `sortFieldSaves`): a component someone saved since the editor loaded it is kept and
     * returned as a conflict with their words and version; the other components are saved.
     */
    async saveReflections(user: AppUser, cycleId: string, posted: readonly PostedField[]) {
      const cycle = await open(user, cycleId, 'edit');
      if (posted.some((p) => !isComponent(p.key))) throw badRequest(message('reflections.errors.unknownChoice'));
      const at = clock.now();
      return db.transaction(async (tx) => {
        const current = new Map((await repo.entries(tx, user.tenantId, cycle.id)).map((e) => [e.component, e]));
        const { changed, unchanged, stale } = sortFieldSaves(posted, current);
        if (changed.length > 0) {
          const touched = await repo.lockAndTouchCycle(tx, user.tenantId, cycle.id, at);
          for (const c of changed) await repo.saveEntry(tx, { tenantId: user.tenantId, cycleId: cycle.id, component: c.key, oldText: current.get(c.key)?.text ?? '', text: c.text, authorId: user.personId, cycleVersion: touched.version, at });
          await audit.record(user, { action: 'update', entity: 'reflection_cycle', entityId: cycle.id }, tx);
        }
        return { saved: changed.map((c) => c.key), unchanged, conflicts: stale.map((c) => ({ key: c.key, yours: c.yours, theirs: c.theirs.text, version: c.theirs.version })) };
      });
    },

    /** Rates one look-for (`<component>.<inquiry>.<look-for>`) on the fixed scale; an unknown look-for or rating is a 400. */
    async rate(user: AppUser, cycleId: string, lookFor: string, rating: string): Promise<void> {
      const cycle = await open(user, cycleId, 'edit');
      const [component, ...rest] = lookFor.split('.');
      const known = component !== undefined && isComponent(component) && lookForKeys(deps.tool, component).includes(rest.join('.'));
      if (!known || !(lookForRatings as readonly string[]).includes(rating)) throw badRequest(message('reflections.errors.unknownChoice'));
      await db.transaction(async (tx) => {
        await repo.upsertRating(tx, { tenantId: user.tenantId, cycleId: cycle.id, lookFor, rating, ratedBy: user.personId, at: clock.now() });
        await audit.record(user, { action: 'update', entity: 'reflection_rating', entityId: cycle.id }, tx);
      });
    },

    /**
     * Attaches a card to a component: the school view's figures for the team's school (the district team
     * names the school), frozen with the day they are of. The school view gates the figures too.
     */
    async attachCard(user: AppUser, cycleId: string, component: string, kind: EvidenceCardKind, districtSchoolId?: string): Promise<repo.ReflectionCard> {
      const cycle = await open(user, cycleId, 'edit');
      const schoolId = cycle.schoolId ?? districtSchoolId;
      if (!isComponent(component) || schoolId === undefined) throw badRequest(message('reflections.errors.unknownChoice'));
      const evidence = await deps.schoolView.evidence(user, schoolId, kind);
      return db.transaction(async (tx) => {
        const card = await repo.insertCard(tx, { tenantId: user.tenantId, cycleId: cycle.id, component, kind, schoolId: evidence.schoolId, day: evidence.day, figures: evidence.figures, attachedBy: user.personId });
        await audit.record(user, { action: 'create', entity: 'reflection_card', entityId: card.id }, tx);
        return card;
      });
    },

    /** A new action on the cycle, owned by a staff member of the team's school. Audited. (A resubmitted form creates nothing: src/web/once.ts.) */
    async addAction(user: AppUser, cycleId: string, parsed: ParsedForm<ActionInput>): Promise<string> {
      const cycle = await open(user, cycleId, 'edit');
      const form = validForm(parsed, user.locale);
      await checkOwner(user, cycle, form.owner);
      const at = clock.now();
      return db.transaction(async (tx) => {
        const action = await repo.insertAction(tx, { tenantId: user.tenantId, cycleId: cycle.id, title: form.title, ownerId: form.owner, dueOn: form.due, status: form.status, createdBy: user.personId, createdAt: at, updatedBy: user.personId, updatedAt: at });
        await audit.record(user, { action: 'create', entity: 'reflection_action', entityId: action.id }, tx);
        return action.id;
      });
    },

    /** Changes an action as the page showed it (its version): false when someone changed it since, so nothing is written over their change. */
    async editAction(user: AppUser, cycleId: string, actionId: string, parsed: ParsedForm<ActionEditInput>): Promise<boolean> {
      const cycle = await open(user, cycleId, 'edit');
      const form = validForm(parsed, user.locale);
      await checkOwner(user, cycle, form.owner);
      return changeAction(user, cycle, actionId, form.version, { title: form.title, ownerId: form.owner, dueOn: form.due, status: form.status });
    },

    /** Marks an action done (the page's one-click "Done"), under the same version guard. */
    async completeAction(user: AppUser, cycleId: string, actionId: string, parsed: ParsedForm<CompleteInput>): Promise<boolean> {
      const cycle = await open(user, cycleId, 'edit');
      return changeAction(user, cycle, actionId, validForm(parsed, user.locale).version, { status: 'done' });
    },
  };

  async function checkOwner(user: AppUser, cycle: repo.ReflectionCycle, ownerId: string): Promise<void> {
    if (!(await actionOwners(deps.roster, user.tenantId, cycle.schoolId)).some((o) => o.id === ownerId)) throw new InvalidInput({ owner: t('teamMaps.errors.owner', {}, user.locale) });
  }

  async function changeAction(user: AppUser, cycle: repo.ReflectionCycle, actionId: string, version: number, patch: Omit<Parameters<typeof repo.updateAction>[2], 'updatedBy' | 'updatedAt'>): Promise<boolean> {
    if (!isUuid(actionId) || !(await repo.actions(db, user.tenantId, cycle.id)).some((a) => a.id === actionId)) throw notFound();
    return db.transaction(async (tx) => {
      const row = await repo.updateAction(tx, { tenantId: user.tenantId, cycleId: cycle.id, actionId, version }, { ...patch, updatedBy: user.personId, updatedAt: clock.now() });
      if (row) await audit.record(user, { action: 'update', entity: 'reflection_action', entityId: actionId }, tx);
      return row !== undefined;
    });
  }
}
export type ReflectionsService = ReturnType<typeof createReflectionsService>;
