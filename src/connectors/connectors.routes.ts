import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../web/context.js';
import { redirectInTool, summaryOf, unlessRefused } from '../web/forms.js';
import { notFound } from '../web/errors.js';
import { labelOf, t } from '../web/i18n.js';
import { connectorKindParam, reviewDecision, reviewsQuery } from './connectors.schemas.js';
import type { ConnectorKind } from './connectors.tables.js';

const PAGE = '/admin/connectors';
const REVIEWS = '/admin/identities';

/**
 * /admin/connectors: each data source's settings (the secret never shown back), "Sync now", and the
 * recent runs with their counts and bad rows. /admin/identities: outside ids that matched no one or
 * several people, for the admin to link or ignore.
 */
export function connectorsRoutes(ctx: AppContext): Router {
  const r = Router();
  r.use([PAGE, REVIEWS], ctx.requireUser);

  const render = async (req: Request, res: Response, refused?: { kind: ConnectorKind; errors: Record<string, string>; posted: Record<string, unknown> }) => {
    const view = await ctx.connectors.overview(req.user!);
    const locale = req.user!.locale;
    const fieldId = (kind: string, name: string) => `c-${kind}-${name}`;
    res.render('connectors/admin', {
      titleKey: 'connectors.title',
      nav: [{ href: '/admin', label: t('nav.admin', {}, locale), current: false }],
      notice: req.query.done === 'saved' ? t('connectors.saved', {}, locale) : req.query.done === 'queued' ? t('connectors.queued', {}, locale) : undefined,
      connectors: view.connectors.map((c) => {
        const mine = refused?.kind === c.kind ? refused : undefined;
        return {
          ...c,
          name: labelOf('connectors.kind', c.kind, locale),
          statusLabel: c.status ? labelOf('connectors.status', c.status, locale) : t('connectors.status.none', {}, locale),
          reasonLabel: c.statusReason ? labelOf('connectors.reason', c.statusReason, locale) : undefined,
          saveAction: `${PAGE}/${c.kind}`,
          runAction: `${PAGE}/${c.kind}/run`,
          enabled: mine ? mine.posted.enabled === 'on' : c.enabled,
          fields: c.fields.map((f) => ({
            ...f,
            id: fieldId(c.kind, f.name),
            labelText: t(f.label, {}, locale),
            value: f.secret ? '' : mine ? String(mine.posted[f.name] ?? '') : f.value,
            error: mine?.errors[f.name],
          })),
        };
      }),
      runs: view.runs.map((run) => ({
        ...run,
        kindLabel: labelOf('connectors.kind', run.kind, locale),
        triggerLabel: labelOf('connectors.trigger', run.trigger, locale),
        statusLabel: labelOf('connectors.runStatus', run.status, locale),
        errorLabel: run.errorClass ? labelOf('connectors.reason', run.errorClass, locale) : '',
        badRows: run.badRows.slice(0, 20).map((b) => ({ line: b.line, reason: labelOf('connectors.badRow', b.reason, locale) })),
        moreBadRows: Math.max(0, run.badRows.length - 20),
      })),
      can: view.can,
      errorSummary: refused ? summaryOf(refused.errors, (f) => fieldId(refused.kind, f)) : undefined,
    });
  };

  r.get(PAGE, async (req, res) => render(req, res));

  r.post(`${PAGE}/:kind`, async (req, res) => {
    const kind = connectorKindParam.safeParse(req.params.kind);
    if (!kind.success) throw notFound();
    const posted = req.body as Record<string, unknown>;
    const outcome = await unlessRefused(() => ctx.connectors.saveForm(req.user!, kind.data, posted));
    if (!outcome.ok) {
      res.status(400);
      return render(req, res, { kind: kind.data, errors: outcome.errors, posted });
    }
    redirectInTool(res, PAGE, { query: { done: 'saved' } });
  });

  r.post(`${PAGE}/:kind/run`, async (req, res) => {
    const kind = connectorKindParam.safeParse(req.params.kind);
    if (!kind.success) throw notFound();
    await ctx.connectors.runSoon(req.user!, kind.data);
    redirectInTool(res, PAGE, { query: { done: 'queued' } });
  });

  const renderReviews = async (req: Request, res: Response, problem?: { id: string; text: string }) => {
    const query = reviewsQuery.parse(req.query);
    const view = await ctx.identities.reviews(req.user!, query.page, query.q);
    const locale = req.user!.locale;
    res.render('connectors/reviews', {
      titleKey: 'connectors.review.title',
      nav: [{ href: '/admin', label: t('nav.admin', {}, locale), current: false }, { href: PAGE, label: t('connectors.title', {}, locale), current: false }],
      notice: req.query.done === 'resolved' ? t('connectors.review.resolved', {}, locale) : undefined,
      q: query.q,
      found: view.found,
      reviews: view.reviews.map((rv) => ({
        ...rv,
        sourceLabel: labelOf('connectors.source', rv.source, locale),
        reasonLabel: labelOf('connectors.review.reason', rv.reason, locale),
        action: `${REVIEWS}/${rv.id}`,
        choices: [...rv.candidates, ...view.found.filter((f) => !rv.candidateIds.includes(f.id))],
      })),
      newer: view.page > 1 ? view.page - 1 : null,
      older: view.more ? view.page + 1 : null,
      errorSummary: problem ? [{ href: `#review-${problem.id}`, text: problem.text }] : undefined,
    });
  };

  r.get(REVIEWS, async (req, res) => renderReviews(req, res));

  r.post(`${REVIEWS}/:id`, async (req, res) => {
    const id = String(req.params.id);
    const decision = reviewDecision.safeParse(req.body);
    if (!decision.success) {
      // The policy first: a non-admin learns nothing from a malformed post either.
      await ctx.identities.reviews(req.user!, 1, '');
      res.status(400);
      return renderReviews(req, res, { id, text: t('connectors.review.choose', {}, req.user!.locale) });
    }
    const done = await ctx.identities.resolve(req.user!, id, 'personId' in decision.data ? { personId: decision.data.personId } : 'ignore');
    if (!done) {
      res.status(409);
      return renderReviews(req, res, { id, text: t('connectors.review.alreadyResolved', {}, req.user!.locale) });
    }
    redirectInTool(res, REVIEWS, { query: { done: 'resolved' } });
  });
  return r;
}
