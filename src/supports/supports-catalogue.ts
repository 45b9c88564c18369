import { z } from 'zod';
import type { Db, DbOrTx } from '../db/client.js';
import type { AppUser } from '../auth/user.js';
import type { AuditService } from '../audit/audit.service.js';
import type { Clock } from '../web/clock.js';
import { authorize } from '../policies/policy.js';
import { supportPolicy } from '../policies/support.js';
import { catalogue } from '../configuration/configuration.kinds.js';
import * as repo from './supports.repository.js';
import { sensitiveCategories } from './supports.tables.js';
import { starterKey, supportFields } from './supports.schemas.js';

/**
 * One support as a configuration's export carries it: its fields, whether it is offered, and the
 * starter it was copied from (if any). Not its organisation: the school's invited organisations are its
 * own, so an external support comes into another instance without one, for its admin to choose.
 */
const entry = supportFields.extend({ key: starterKey.nullable(), active: z.boolean() }).superRefine((s, c) => {
  if (!s.sensitive && sensitiveCategories.includes(s.category)) c.addIssue({ code: 'custom', path: ['sensitive'], message: `${s.category} is always sensitive`, params: { code: 'support_sensitive_floor', key: s.category } });
});
type Entry = z.infer<typeof entry>;

/** How a support is matched across instances: its starter's key, else its name and provider, whatever the case. */
const nameKey = (s: { name: string; provider: string }) => `${s.name.trim().toLowerCase()}\u0000${s.provider.trim().toLowerCase()}`;

export const supportsCatalogueSchema = z
  .array(entry)
  .max(2000)
  .superRefine((rows, c) => {
    const seen = new Set<string>();
    rows.forEach((s, i) => {
      for (const key of [nameKey(s), ...(s.key ? [`starter:${s.key}`] : [])]) {
        if (seen.has(key)) c.addIssue({ code: 'custom', path: [i, 'name'], message: 'a support listed twice', params: { code: 'support_twice', key: s.name } });
        seen.add(key);
      }
    });
  });

const entryOf = (r: repo.SupportRow): Entry => ({
  key: r.starterKey,
  name: r.name,
  provider: r.provider,
  description: r.description,
  category: r.category,
  tier: r.tier as Entry['tier'],
  eligibility: r.eligibility,
  capacity: r.capacity,
  contact: r.contact,
  hours: r.hours,
  languages: r.languages,
  cost: r.cost,
  referral: r.referral,
  sensitive: r.sensitive,
  active: r.active,
});

const sameEntry = (a: Entry, b: Entry) => JSON.stringify({ ...a, key: null }) === JSON.stringify({ ...b, key: null });

/**
 * The supports catalogue as it travels with the configuration (issue 14 items 3 and 4): a district moves
 * its asset map from a test instance to production with the rest. An import updates the supports it
 * matches and adds the others; it removes none (referrals point at them): a support to retire comes in
 * with `active: false`.
 */
export function supportsCatalogue(deps: { db: Db; clock: Clock; audit: Pick<AuditService, 'record'> }) {
  return catalogue<Entry[]>({
    id: 'supports',
    schema: supportsCatalogueSchema,
    async read(tenantId) {
      return (await repo.listSupports(deps.db, tenantId, { q: '', status: 'all' })).map(entryOf);
    },
    async merge(tx: DbOrTx, user: AppUser, rows) {
      authorize(supportPolicy, user, 'manage', { tenantId: user.tenantId });
      const existing = await repo.listSupports(tx, user.tenantId, { q: '', status: 'all' });
      const byStarter = new Map(existing.filter((r) => r.starterKey).map((r) => [r.starterKey!, r]));
      const byName = new Map(existing.map((r) => [nameKey(r), r]));
      const at = deps.clock.now();
      let changed = false;
      for (const { key, ...fields } of rows) {
        const match = (key ? byStarter.get(key) : undefined) ?? byName.get(nameKey(fields));
        if (match && sameEntry(entryOf(match), { key, ...fields })) continue;
        const values = { ...fields, updatedAt: at, updatedBy: user.personId };
        if (match) {
          // An internal support names no organisation; an external one keeps the one this school chose.
          await repo.updateSupport(tx, user.tenantId, match.id, { ...values, ...(fields.referral === 'internal' ? { providerOrganisationId: null } : {}) });
          await deps.audit.record(user, { action: 'update', entity: 'support', entityId: match.id }, tx);
        } else {
          const id = await repo.insertSupport(tx, user.tenantId, { ...values, starterKey: key });
          await deps.audit.record(user, { action: 'create', entity: 'support', entityId: id }, tx);
        }
        changed = true;
      }
      return changed;
    },
  });
}
