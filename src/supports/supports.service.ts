import type { Db } from '../db/client.js';
import type { Clock } from '../web/clock.js';
import type { AppUser } from '../auth/user.js';
import type { AuditService } from '../audit/audit.service.js';
import { authorize, canMap } from '../policies/policy.js';
import { supportActions, supportPolicy } from '../policies/support.js';
import { InvalidInput, validForm, type ParsedForm } from '../web/forms.js';
import { notFound } from '../web/errors.js';
import { isUuid } from '../web/ids.js';
import { defaultLocale, t, type Locale } from '../web/i18n.js';
import * as repo from './supports.repository.js';
import { sensitiveCategories } from './supports.tables.js';
import type { StarterCatalogue, SupportForm, SupportsQuery } from './supports.schemas.js';

export interface SupportsDeps {
  db: Db;
  clock: Clock;
  audit: Pick<AuditService, 'record'>;
  /** The starter catalogue in every language (loadStarterCatalogues): copied in the admin's. */
  starters: Record<Locale, StarterCatalogue>;
  /** The school's community organisations (src/providers), which an external support may name. */
  organisationsOf?: (tenantId: string) => Promise<{ id: string; name: string }[]>;
  /** Current load per support (referrals accepted or in service), from the referrals feature: bound late. */
  loadBySupport?: (tenantId: string) => Promise<Map<string, number>>;
}

/** Sensitive categories are always sensitive; any other support may be marked so. */
const isSensitive = (category: SupportForm['category'], marked: boolean) => marked || sensitiveCategories.includes(category);

/**
 * The school's catalogue of supports (issue 11's asset map): browsed by the adults who refer, managed
 * by its admins. Every write is audited in the same transaction; a refused form writes nothing.
 */
export function createSupportsService(deps: SupportsDeps) {
  const { db, clock } = deps;
  // The form's language boxes: the same in every language of the tool (codes, named in the reader's).
  const languageChoices = deps.starters[defaultLocale]!.languages;
  const can = (user: AppUser) => canMap(supportPolicy, user, supportActions, { tenantId: user.tenantId });

  /** A support of the user's school, for a manager; another school's id (or no id at all) is a 404. */
  async function managed(user: AppUser, id: string): Promise<repo.SupportRow> {
    authorize(supportPolicy, user, 'manage', { tenantId: user.tenantId });
    const row = isUuid(id) ? await repo.findSupport(db, user.tenantId, id) : undefined;
    if (!row) throw notFound();
    return row;
  }

  const organisationsOf = (tenantId: string) => deps.organisationsOf?.(tenantId) ?? Promise.resolve([]);

  /** The organisation an external support names: one of the school's, or the form is refused; none for an internal support. */
  async function organisationOf(user: AppUser, form: SupportForm): Promise<string | null> {
    if (form.referral !== 'external' || form.providerOrganisationId === '') return null;
    const known = (await organisationsOf(user.tenantId)).some((o) => o.id === form.providerOrganisationId);
    if (!known) throw new InvalidInput({ providerOrganisationId: t('supports.form.chooseOrganisation', {}, user.locale) });
    return form.providerOrganisationId;
  }

  const valuesOf = (user: AppUser, form: SupportForm, providerOrganisationId: string | null): repo.SupportValues => ({
    name: form.name,
    provider: form.provider,
    description: form.description,
    category: form.category,
    tier: form.tier,
    eligibility: form.eligibility,
    capacity: form.capacity,
    contact: form.contact,
    hours: form.hours,
    languages: form.languages,
    cost: form.cost,
    referral: form.referral,
    providerOrganisationId,
    sensitive: isSensitive(form.category, form.sensitive === 'on'),
    updatedAt: clock.now(),
    updatedBy: user.personId,
  });

  /** A list of the school's supports, with the filters' language choices: `browse` sees the active ones only. */
  async function listed(user: AppUser, query: SupportsQuery, action: 'browse' | 'manage') {
    authorize(supportPolicy, user, action, { tenantId: user.tenantId });
    const filter = action === 'browse' ? { ...query, status: 'active' as const } : query;
    const [supports, languages, load] = await Promise.all([repo.listSupports(db, user.tenantId, filter), repo.languagesOffered(db, user.tenantId), deps.loadBySupport?.(user.tenantId) ?? new Map<string, number>()]);
    return { supports: supports.map((s) => ({ ...s, load: load.get(s.id) ?? 0 })), languages, can: can(user) };
  }

  return {
    /** What a user may do with the catalogue (the caseload links to it when they may browse). */
    can,
    /** For referrals: one support of the school (undefined for another school's id or no id). */
    forReferral: (tenantId: string, id: string) => (isUuid(id) ? repo.findSupport(db, tenantId, id) : Promise.resolve(undefined)),
    /** For referrals: the school's active supports (the new referral form's choices). */
    activeSupports: (tenantId: string) => repo.listSupports(db, tenantId, { q: '', status: 'active' }),
    /** For referrals: names of supports by id (lists and the timeline), inactive ones too. */
    async namesOf(tenantId: string, ids: string[]): Promise<Map<string, string>> {
      if (ids.length === 0) return new Map();
      const rows = await repo.listSupports(db, tenantId, { q: '', status: 'all' });
      const wanted = new Set(ids);
      return new Map(rows.filter((r) => wanted.has(r.id)).map((r) => [r.id, r.name]));
    },
    /** The referrers' page: active supports only. */
    catalogue: (user: AppUser, query: SupportsQuery) => listed(user, query, 'browse'),
    /** The admins' list: active, inactive or both. */
    adminList: (user: AppUser, query: SupportsQuery) => listed(user, query, 'manage'),
    /** The blank add form: only a manager sees it. */
    async newForm(user: AppUser) {
      authorize(supportPolicy, user, 'manage', { tenantId: user.tenantId });
      return { languageChoices, organisations: await organisationsOf(user.tenantId), can: can(user) };
    },
    async find(user: AppUser, id: string) {
      return { support: await managed(user, id), languageChoices, organisations: await organisationsOf(user.tenantId), can: can(user) };
    },
    async create(user: AppUser, posted: ParsedForm<SupportForm>): Promise<string> {
      authorize(supportPolicy, user, 'manage', { tenantId: user.tenantId });
      const form = validForm(posted, user.locale);
      const organisationId = await organisationOf(user, form);
      return db.transaction(async (tx) => {
        const id = await repo.insertSupport(tx, user.tenantId, valuesOf(user, form, organisationId));
        await deps.audit.record(user, { action: 'create', entity: 'support', entityId: id }, tx);
        return id;
      });
    },
    async update(user: AppUser, id: string, posted: ParsedForm<SupportForm>): Promise<void> {
      await managed(user, id);
      const form = validForm(posted, user.locale);
      const organisationId = await organisationOf(user, form);
      await db.transaction(async (tx) => {
        if (!(await repo.updateSupport(tx, user.tenantId, id, valuesOf(user, form, organisationId)))) throw notFound();
        await deps.audit.record(user, { action: 'update', entity: 'support', entityId: id }, tx);
      });
    },
    /** Deactivates (kept for the referrals that name it, offered to no new one) or reactivates a support. */
    async setActive(user: AppUser, id: string, active: boolean): Promise<void> {
      await managed(user, id);
      await db.transaction(async (tx) => {
        if (!(await repo.updateSupport(tx, user.tenantId, id, { active, updatedAt: clock.now(), updatedBy: user.personId }))) throw notFound();
        await deps.audit.record(user, { action: 'update', entity: 'support', entityId: id }, tx);
      });
    },
    /**
     * Copies the starter catalogue (in the admin's language) into the school's: a starter already
     * copied is skipped, however the school has edited it since, so running it twice adds nothing twice.
     */
    async addStarter(user: AppUser): Promise<number> {
      authorize(supportPolicy, user, 'manage', { tenantId: user.tenantId });
      const starter = deps.starters[user.locale ?? defaultLocale] ?? deps.starters[defaultLocale]!;
      const at = clock.now();
      return db.transaction(async (tx) => {
        const added = await repo.insertStarters(
          tx,
          user.tenantId,
          starter.supports.map(({ key, sensitive, ...s }) => ({ ...s, sensitive: isSensitive(s.category, sensitive), starterKey: key, updatedAt: at, updatedBy: user.personId })),
        );
        if (added.length > 0) await deps.audit.record(user, { action: 'create', entity: 'support_catalogue', entityId: null }, tx);
        return added.length;
      });
    },
  };
}
export type SupportsService = ReturnType<typeof createSupportsService>;
