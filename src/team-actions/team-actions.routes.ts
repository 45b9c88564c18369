import type { Request, RequestHandler, Response, Router } from 'express';
import type { AppUser } from '../auth/user.js';
import { redirectInTool, summaryOf, unlessRefused, type ParsedForm, type SummaryItem } from '../web/forms.js';
import { t } from '../web/i18n.js';
import { actionEditForm, actionForm, completeForm, type ActionEditInput, type ActionInput, type CompleteInput } from './team-actions.js';

/** What a refused action post brings back to the document's page. */
export interface ActionRender {
  /** The new-action form as posted, with its errors. */
  newAction?: { values: Record<string, string>; errors: Record<string, string> };
  actionStale?: string;
  errorSummary?: SummaryItem[];
}

/** A team document's action operations (its service's): each refuses a user who may not edit the document before reading the form. */
export interface DocumentActions {
  add(user: AppUser, docId: string, parsed: ParsedForm<ActionInput>): Promise<string>;
  edit(user: AppUser, docId: string, actionId: string, parsed: ParsedForm<ActionEditInput>): Promise<boolean>;
  complete(user: AppUser, docId: string, actionId: string, parsed: ParsedForm<CompleteInput>): Promise<boolean>;
}

/**
 * The posts of a team document's actions (a Success Map's, a reflection cycle's), one rule for both:
 * `<base>/actions` adds (400 with the form and its error summary when refused), `<base>/actions/:actionId`
 * edits and `<base>/actions/:actionId/complete` marks done; an edit or a "done" from a page someone
 * else's change has overtaken is refused (409) and the page shown as it now is.
 */
export function teamActionRoutes(
  r: Router,
  requireUser: RequestHandler,
  doc: { base: string; idOf: (req: Request) => string; pageOf: (docId: string) => string; actions: DocumentActions; render: (req: Request, res: Response, opts: ActionRender) => Promise<void> },
): void {
  r.post(`${doc.base}/actions`, requireUser, async (req, res) => {
    const added = await unlessRefused(() => doc.actions.add(req.user!, doc.idOf(req), actionForm.safeParse(req.body)));
    if (!added.ok) {
      const body = req.body as Record<string, unknown>;
      const values = Object.fromEntries(['title', 'owner', 'due', 'status'].map((k) => [k, String(body[k] ?? '')]));
      res.status(400);
      await doc.render(req, res, { newAction: { values, errors: added.errors }, errorSummary: summaryOf(added.errors, (f) => `new-action-${f}`) });
      return;
    }
    redirectInTool(res, doc.pageOf(doc.idOf(req)), { hash: 'actions' });
  });

  const change = (run: (req: Request) => Promise<boolean>) => async (req: Request, res: Response) => {
    const changed = await unlessRefused(() => run(req));
    const actionId = String(req.params.actionId);
    if (!changed.ok || !changed.value) {
      const text = changed.ok ? t('teamMaps.actions.stale', {}, req.user!.locale) : Object.values(changed.errors).join(' ');
      res.status(changed.ok ? 409 : 400);
      await doc.render(req, res, { actionStale: actionId, errorSummary: [{ href: `#action-${actionId}`, text }] });
      return;
    }
    redirectInTool(res, doc.pageOf(doc.idOf(req)), { hash: `action-${actionId}` });
  };
  r.post(`${doc.base}/actions/:actionId`, requireUser, change((req) => doc.actions.edit(req.user!, doc.idOf(req), String(req.params.actionId), actionEditForm.safeParse(req.body))));
  r.post(`${doc.base}/actions/:actionId/complete`, requireUser, change((req) => doc.actions.complete(req.user!, doc.idOf(req), String(req.params.actionId), completeForm.safeParse(req.body))));
}
