import { pgTable, uuid, text, primaryKey } from 'drizzle-orm/pg-core';
import { tenantIdColumn, personIdColumn, personReference, createdAtColumn } from '../db/columns.js';

/**
 * One row per one-time form token that was posted: claimed before the form's handler runs, then given
 * the page the handler sent the person to. A replayed token (back button, double click) is sent to that
 * page instead of creating the thing again. Holds no record text.
 */
export const formSubmissions = pgTable(
  'form_submissions',
  {
    tenantId: tenantIdColumn(),
    personId: personIdColumn('person_id'),
    token: uuid('token').notNull(),
    /** In-tool path (query and fragment, never the ltik) of the first result; null while it runs. */
    result: text('result'),
    createdAt: createdAtColumn(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.personId, t.token] }), personReference(t, t.personId)],
);
