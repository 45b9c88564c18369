import type { Request, Response } from 'express';
import { InvalidInput } from '../web/forms.js';
import { postedFieldsOf, type FieldsOutcome, type PostedFields } from './custom-fields.service.js';
import type { FieldChange } from './custom-fields.history.js';

/**
 * The post of a record's fields form, for the route of the feature that owns the record: saved, then
 * `done` (a redirect); refused input, 400 and the page again with the errors in place and the typing
 * kept; a field someone else changed meanwhile, 409 and the page again showing theirs beside yours.
 */
export async function fieldsPost(
  req: Request,
  res: Response,
  save: (typed: PostedFields) => Promise<FieldsOutcome | null>,
  again: (outcome: FieldsOutcome) => Promise<void>,
  done: () => void,
): Promise<void> {
  const typed = postedFieldsOf(req.body);
  try {
    const conflicts = await save(typed);
    if (!conflicts) return done();
    res.status(409);
    await again(conflicts);
  } catch (err) {
    if (!(err instanceof InvalidInput)) throw err;
    res.status(400);
    await again({ typed: typed.text, errors: err.errors, conflicts: new Map() });
  }
}

/** What the history page of a record's fields shows: the owning feature's title, way back and nav, and the changes its service read. */
export interface FieldsHistoryPage {
  title: string;
  nav: unknown;
  student: unknown;
  backUrl: string;
  backLabel: string;
  changes: FieldChange[];
}

/** The history page of a record's fields, for the route of the feature that owns the record (it gated it and read the changes). */
export function renderFieldsHistory(res: Response, page: FieldsHistoryPage): void {
  res.render('custom-fields/history', page);
}
