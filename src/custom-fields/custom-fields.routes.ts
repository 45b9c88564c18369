import type { Request, Response } from 'express';
import { InvalidInput } from '../web/forms.js';
import { postedFieldsOf, type FieldsOutcome, type PostedFields } from './custom-fields.service.js';

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
