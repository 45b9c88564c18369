import type { Db } from '../db/client.js';
import type { Clock } from '../web/clock.js';
import type { AppUser } from '../auth/user.js';
import type { AuditService } from '../audit/audit.service.js';
import { authorize } from '../policies/policy.js';
import { recordsBundlePolicy } from '../policies/records-bundle.js';
import { hasText, t, type Locale } from '../web/i18n.js';
import { bundleDatasets, type Dataset } from './bundle.datasets.js';
import { countOf, rowsOf, type BundleRow } from './bundle.repository.js';
import { datasetParam } from './bundle.schemas.js';
import { notFound } from '../web/errors.js';

/** One column of the data dictionary, in the reader's language. */
export interface DictionaryColumn {
  name: string;
  /** The kind of value (id, text, date, instant...): how a loader reads the cell. */
  type: string;
  sqlType: string;
  meaning: string;
}

export interface DictionaryDataset {
  name: string;
  title: string;
  feature: string;
  columns: DictionaryColumn[];
}

/** What a download is, for its audit entry: the whole bundle (JSON or zip) or one dataset's CSV. */
export type BundleDownload = 'csv' | 'json' | 'zip';

/**
 * A column's meaning: the dataset's own line, else the shared one for columns of that name (id,
 * created_at...). A column with neither has no meaning written yet: `t` throws, and the page fails.
 */
function meaningOf(dataset: Dataset, column: string, locale: Locale | undefined): string {
  const own = `recordsBundle.columns.${dataset.name}.${column}`;
  return t(hasText(own) ? own : `recordsBundle.columns.common.${column}`, {}, locale);
}

/** The data dictionary: every dataset, its columns, each column's kind and meaning (the columns the files hold, from the same list). */
export function dictionaryOf(locale: Locale | undefined): DictionaryDataset[] {
  return bundleDatasets.map((d) => ({
    name: d.name,
    title: t(`recordsBundle.datasets.${d.name}`, {}, locale),
    feature: d.feature,
    columns: d.columns.map((c) => ({ name: c.name, type: c.kind, sqlType: c.sqlType, meaning: meaningOf(d, c.name, locale) })),
  }));
}

/** What a download is made of: when, the dictionary, and each dataset's rows as the file reaches them. */
export interface BundleFiles {
  exportedAt: Date;
  dictionary: DictionaryDataset[];
  rowsOf: (dataset: Dataset) => AsyncGenerator<BundleRow>;
}

export interface RecordsBundleDeps {
  db: Db;
  clock: Clock;
  audit: Pick<AuditService, 'record'>;
}

/**
 * The district-wide export bundle (issue 14 item 7): every dataset of the tenant, documented, as CSV
 * per dataset, one JSON file or one zip. Admins only; every page read and download is audited before
 * a byte is sent (a refusal is audited by the error handler, as every policy's).
 */
export function createRecordsBundleService(deps: RecordsBundleDeps) {
  const { db, audit } = deps;

  /** The audit entry of a download, then what its file is made of. */
  async function started(user: AppUser, kind: BundleDownload, dataset?: Dataset): Promise<BundleFiles> {
    // A dataset's download names its table (a name, never data).
    await audit.record(user, { action: 'read', entity: `records_bundle_${kind}`, entityId: dataset?.name ?? null });
    return { exportedAt: deps.clock.now(), dictionary: dictionaryOf(user.locale), rowsOf: (dataset) => rowsOf(db, user.tenantId, dataset) };
  }

  return {
    /** The page: each dataset with its row count and its dictionary. */
    async page(user: AppUser) {
      authorize(recordsBundlePolicy, user, 'view', { tenantId: user.tenantId });
      const dictionary = dictionaryOf(user.locale);
      const counts = new Map<string, number>();
      for (const d of bundleDatasets) counts.set(d.name, await countOf(db, user.tenantId, d));
      await audit.record(user, { action: 'read', entity: 'records_bundle' });
      return { datasets: dictionary.map((d) => ({ ...d, rows: counts.get(d.name) ?? 0 })) };
    },

    /**
     * A download's rows, once the policy allowed it and the audit entry is written: each dataset's rows
     * are read when the file reaches them, a page at a time.
     */
    async download(user: AppUser, kind: 'json' | 'zip'): Promise<BundleFiles> {
      authorize(recordsBundlePolicy, user, 'download', { tenantId: user.tenantId });
      return started(user, kind);
    },

    /** One dataset's CSV: its name is judged after the policy, so only an admin learns which names are datasets (404). */
    async downloadCsv(user: AppUser, datasetName: unknown): Promise<BundleFiles & { dataset: Dataset }> {
      authorize(recordsBundlePolicy, user, 'download', { tenantId: user.tenantId });
      const parsed = datasetParam.safeParse(datasetName);
      if (!parsed.success) throw notFound();
      return { ...(await started(user, 'csv', parsed.data)), dataset: parsed.data };
    },
  };
}
export type RecordsBundleService = ReturnType<typeof createRecordsBundleService>;
