import type { Db, DbOrTx } from '../db/client.js';
import type { Clock } from '../web/clock.js';
import type { RosterService } from '../roster/roster.service.js';
import type { AuditService } from '../audit/audit.service.js';
import type { AppUser } from '../auth/user.js';
import { authorize, canMap } from '../policies/policy.js';
import { connectorActions, connectorPolicy } from '../policies/connector.js';
import { isUuid } from '../web/ids.js';
import { notFound } from '../web/errors.js';
import type { IdentitySource, ReviewReason } from './identities.tables.js';
import * as repo from './identities.repository.js';

export type { IdentitySource } from './identities.tables.js';
export { identitySources } from './identities.tables.js';

/** One outside row's student: its id in the source, and the SIS id the source gives beside it, if any. */
export interface OutsideStudent {
  externalId: string;
  /** The SIS's id for the student as the source reports it (Canvas's sis_user_id, Schoology's school_uid). */
  sisId?: string | null;
  /** The source's own label for the row, shown only to the admin who reviews it. */
  label?: string;
}

/**
 * Who an outside row is about. Matching uses stable ids only: an id already linked to a person, else
 * the SIS id the LMS itself carries for the person (lis person_sourcedid). A row that matches no one,
 * or several people, is never guessed: it goes to the admin's review queue and is left out (`matchKnown`,
 * for whole-LMS reads: a row that matches no one is only left out and counted).
 */
export const REVIEWS_PAGE_SIZE = 25;

/** What `matchKnown` found: the matched people, and how many rows were left out or queued. */
export interface KnownMatch {
  people: Map<string, string>;
  /** Rows with no link and no SIS id of a person the tool knows: not the tool's students (yet). */
  notInTool: number;
  /** Rows an admin must decide (a SIS id naming several people). */
  queued: number;
}

export function createIdentitiesService(deps: { db: Db; clock: Clock; audit: Pick<AuditService, 'record'>; roster: Pick<RosterService, 'findPeopleBySisIds' | 'findPeople' | 'findPeopleByName'> }) {
  const { db, clock, roster } = deps;
  /** `unknown`: what becomes of a row that matches no one: queued for review, or left out and counted. */
  async function matchRows(tenantId: string, source: IdentitySource, rows: readonly OutsideStudent[], tx: DbOrTx, unknown: 'review' | 'leaveOut'): Promise<KnownMatch> {
    const unique = new Map<string, OutsideStudent>();
    for (const r of rows) if (!unique.has(r.externalId)) unique.set(r.externalId, r);
    const matched = new Map<string, string>();
    for (const l of await repo.linksFor(tx, tenantId, source, [...unique.keys()])) matched.set(l.externalId, l.personId);

    const open = [...unique.values()].filter((r) => !matched.has(r.externalId));
    // For the SIS itself the outside id is the SIS id; other sources name it beside their own id.
    const sisOf = (r: OutsideStudent) => (source === 'sis' ? r.externalId : (r.sisId ?? null));
    const people = await roster.findPeopleBySisIds(tenantId, open.flatMap((r) => sisOf(r) ?? []), tx);
    const bySis = new Map<string, string[]>();
    for (const p of people) bySis.set(p.sisId, [...(bySis.get(p.sisId) ?? []), p.id]);

    const links: { externalId: string; personId: string }[] = [];
    const reviews: { externalId: string; reason: ReviewReason; candidateIds: string[]; label: string }[] = [];
    let notInTool = 0;
    for (const r of open) {
      const sis = sisOf(r);
      const candidates = sis === null ? [] : (bySis.get(sis) ?? []);
      if (candidates.length === 1) {
        links.push({ externalId: r.externalId, personId: candidates[0]! });
        matched.set(r.externalId, candidates[0]!);
      } else if (candidates.length === 0 && unknown === 'leaveOut') {
        notInTool++;
      } else {
        reviews.push({ externalId: r.externalId, reason: candidates.length === 0 ? 'unmatched' : 'ambiguous', candidateIds: candidates, label: r.label ?? '' });
      }
    }
    await repo.insertLinks(tx, tenantId, source, links);
    await repo.upsertReviews(tx, tenantId, source, reviews, clock.now());
    return { people: matched, notInTool, queued: reviews.length };
  }

  return {
    /** External id -> person id for the rows that match exactly one person; `tx` keeps the links in the caller's transaction. */
    async match(tenantId: string, source: IdentitySource, rows: readonly OutsideStudent[], tx: DbOrTx = db): Promise<Map<string, string>> {
      return (await matchRows(tenantId, source, rows, tx, 'review')).people;
    },

    /**
     * Like `match`, for a connector that reads a whole LMS or SIS: most of its students are not the
     * tool's (another school, a course without the tool), and queueing each of them buried the cases an
     * admin can decide. A row with no link and no SIS id of a known person is left out and counted as
     * `notInTool`; only a SIS id that names several people is still queued (`queued`).
     */
    async matchKnown(tenantId: string, source: IdentitySource, rows: readonly OutsideStudent[], tx: DbOrTx = db): Promise<KnownMatch> {
      return matchRows(tenantId, source, rows, tx, 'leaveOut');
    },

    /**
     * The admin's review queue: outside ids waiting for a decision, with the people they could be (the
     * ambiguous rows' candidates, or a name search the admin typed).
     */
    async reviews(user: AppUser, page: number, search: string) {
      authorize(connectorPolicy, user, 'review', { tenantId: user.tenantId });
      const rows = await repo.openReviews(db, user.tenantId, REVIEWS_PAGE_SIZE + 1, (page - 1) * REVIEWS_PAGE_SIZE);
      const candidates = await roster.findPeople(user.tenantId, rows.flatMap((r) => r.candidateIds));
      const found = search ? await roster.findPeopleByName(user.tenantId, search, 20) : [];
      const name = new Map([...candidates, ...found].map((p) => [p.id, p.name]));
      return {
        reviews: rows.slice(0, REVIEWS_PAGE_SIZE).map((r) => ({ ...r, candidates: r.candidateIds.map((id) => ({ id, name: name.get(id) ?? '' })) })),
        found: found.map((p) => ({ id: p.id, name: p.name })),
        page,
        more: rows.length > REVIEWS_PAGE_SIZE,
        can: canMap(connectorPolicy, user, connectorActions, { tenantId: user.tenantId }),
      };
    },

    /**
     * An admin's decision on one review: link the outside id to a person of the school, or ignore it.
     * False when it was already decided (someone else was first). Audited; the next run matches it.
     */
    async resolve(user: AppUser, reviewId: string, decision: { personId: string } | 'ignore'): Promise<boolean> {
      authorize(connectorPolicy, user, 'review', { tenantId: user.tenantId });
      const review = isUuid(reviewId) ? await repo.findReview(db, user.tenantId, reviewId) : undefined;
      if (!review) throw notFound();
      const personId = decision === 'ignore' ? null : decision.personId;
      if (personId !== null && (!isUuid(personId) || (await roster.findPeople(user.tenantId, [personId])).length === 0)) throw notFound();
      return db.transaction(async (tx) => {
        const done = await repo.resolveReview(tx, user.tenantId, review.id, { resolution: personId ? 'linked' : 'ignored', personId, by: user.personId, at: clock.now() });
        if (!done) return false;
        if (personId) await repo.insertLinks(tx, user.tenantId, review.source, [{ externalId: review.externalId, personId }]);
        await deps.audit.record(user, { action: 'update', entity: 'identity_review', entityId: review.id, studentId: personId }, tx);
        return true;
      });
    },

    /** Records a stable id the LMS told us (a launch's custom variables) or an admin decided. */
    link: (tenantId: string, personId: string, source: IdentitySource, externalId: string, tx: DbOrTx = db) =>
      repo.insertLinks(tx, tenantId, source, [{ externalId, personId }]),
  };
}
export type IdentitiesService = ReturnType<typeof createIdentitiesService>;
