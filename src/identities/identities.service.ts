import type { Db, DbOrTx } from '../db/client.js';
import type { Clock } from '../web/clock.js';
import type { RosterService } from '../roster/roster.service.js';
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
 * or several people, is never guessed: it goes to the admin's review queue and is left out.
 */
export function createIdentitiesService(deps: { db: Db; clock: Clock; roster: Pick<RosterService, 'findPeopleBySisIds'> }) {
  const { db, clock, roster } = deps;
  return {
    /** External id -> person id for the rows that match exactly one person; `tx` keeps the links in the caller's transaction. */
    async match(tenantId: string, source: IdentitySource, rows: readonly OutsideStudent[], tx: DbOrTx = db): Promise<Map<string, string>> {
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
      for (const r of open) {
        const sis = sisOf(r);
        const candidates = sis === null ? [] : (bySis.get(sis) ?? []);
        if (candidates.length === 1) {
          links.push({ externalId: r.externalId, personId: candidates[0]! });
          matched.set(r.externalId, candidates[0]!);
        } else {
          reviews.push({ externalId: r.externalId, reason: candidates.length === 0 ? 'unmatched' : 'ambiguous', candidateIds: candidates, label: r.label ?? '' });
        }
      }
      await repo.insertLinks(tx, tenantId, source, links);
      await repo.upsertReviews(tx, tenantId, source, reviews, clock.now());
      return matched;
    },

    /** Records a stable id the LMS told us (a launch's custom variables) or an admin decided. */
    link: (tenantId: string, personId: string, source: IdentitySource, externalId: string, tx: DbOrTx = db) =>
      repo.insertLinks(tx, tenantId, source, [{ externalId, personId }]),
  };
}
export type IdentitiesService = ReturnType<typeof createIdentitiesService>;
