import { pipeline, type Readable } from 'node:stream';
import { Router, type Response } from 'express';
import type { AppContext } from '../web/context.js';
import { t } from '../web/i18n.js';
import { toolPath } from '../web/urls.js';
import { safeError } from '../web/logger.js';
import { bundleDatasets } from './bundle.datasets.js';
import { csvFile, jsonFile, zipFile } from './bundle.files.js';

/** The bundle's pages and files, as paths inside the tool (the view's `url` helper adds the ltik). */
export const bundlePaths = {
  page: toolPath('admin', 'records', 'bundle'),
  csv: (dataset: string) => toolPath('admin', 'records', 'bundle', 'csv', dataset),
  json: toolPath('admin', 'records', 'bundle', 'bundle.json'),
  zip: toolPath('admin', 'records', 'bundle', 'bundle.zip'),
};

/** The file name a download is saved under: the dataset or bundle and the day it was taken. */
const fileName = (stem: string, exportedAt: Date, ext: string) => `${stem}-${exportedAt.toISOString().slice(0, 10)}.${ext}`;

/**
 * Sends a streamed file. The policy and the audit ran before (so a refusal is still a clean 403 page);
 * once bytes are sent a failure can only cut the download short, and the log says why (no personal data).
 */
function send(res: Response, type: string, name: string, body: Readable): void {
  res.type(type).attachment(name);
  pipeline(body, res, (err) => {
    if (err) res.locals.log?.error({ err: safeError(err) }, 'records bundle download failed');
  });
}

/**
 * /admin/records/bundle: the district-wide export bundle (issue 14 item 7): the data dictionary with
 * each dataset's download, the whole bundle as JSON, and as a zip of CSVs with the dictionary.
 */
export function recordsBundleRoutes(ctx: AppContext): Router {
  const r = Router();

  r.get(bundlePaths.page, ctx.requireUser, async (req, res) => {
    const user = req.user!;
    const view = await ctx.recordsBundle.page(user);
    res.render('records-requests/bundle', {
      titleKey: 'recordsBundle.title',
      nav: [{ href: '/admin', label: t('nav.admin', {}, user.locale), current: false }],
      datasets: view.datasets.map((d) => ({ ...d, csvUrl: bundlePaths.csv(d.name), columns: d.columns.map((c) => ({ ...c, typeLabel: t(`recordsBundle.types.${c.type}`, {}, user.locale) })) })),
      jsonUrl: bundlePaths.json,
      zipUrl: bundlePaths.zip,
    });
  });

  r.get(bundlePaths.json, ctx.requireUser, async (req, res) => {
    const dl = await ctx.recordsBundle.download(req.user!, 'json');
    send(res, 'application/json; charset=utf-8', fileName('district-bundle', dl.exportedAt, 'json'), jsonFile(dl, bundleDatasets, dl.rowsOf));
  });

  r.get(bundlePaths.zip, ctx.requireUser, async (req, res) => {
    const user = req.user!;
    const dl = await ctx.recordsBundle.download(user, 'zip');
    const readme = t('recordsBundle.readme', { date: dl.exportedAt.toISOString(), datasets: dl.dictionary.map((d) => `- ${d.name}.csv: ${d.title}`).join('\n') }, user.locale);
    send(res, 'application/zip', fileName('district-bundle', dl.exportedAt, 'zip'), zipFile({ ...dl, readme }, bundleDatasets, dl.rowsOf));
  });

  r.get('/admin/records/bundle/csv/:dataset', ctx.requireUser, async (req, res) => {
    const dl = await ctx.recordsBundle.downloadCsv(req.user!, req.params.dataset);
    send(res, 'text/csv; charset=utf-8', fileName(dl.dataset.name, dl.exportedAt, 'csv'), csvFile(dl.dataset, dl.rowsOf(dl.dataset)));
  });
  return r;
}
