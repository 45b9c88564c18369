import { uuid, text, integer, date, timestamp } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import { staffRoles } from '../auth/user.js';
import type { RosterService } from '../roster/roster.service.js';
import { createdAtColumn } from '../db/columns.js';
import { formText, isoDate } from '../web/forms.js';

export const teamActionStatuses = ['not_started', 'in_progress', 'done'] as const;
export type TeamActionStatus = (typeof teamActionStatuses)[number];

/**
 * The columns of a team document's tracked action (a Success Map's, a reflection cycle's): what, who
 * owns it (staff of the team's school), by when (a day at the school), how far. One shape, so the
 * documents' actions read and edit alike; each table adds its tenant, id and document reference.
 */
export const teamActionColumns = () => ({
  title: text('title').notNull(),
  ownerId: uuid('owner_id').notNull(),
  dueOn: date('due_on'),
  status: text('status').$type<TeamActionStatus>().notNull().default('not_started'),
  /** Guards edits against a stale page: a save from an older version is refused, not applied over the newer one. */
  version: integer('version').notNull().default(1),
  createdBy: uuid('created_by').notNull(),
  createdAt: createdAtColumn(),
  updatedBy: uuid('updated_by'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** The forms of a team document's tracked actions (a Success Map's, a reflection cycle's): one wording, one rule. */
export const actionTitleLimit = 300;

const optionalDay = z
  .string()
  .trim()
  .transform((d) => (d === '' ? null : d))
  .pipe(isoDate.nullable());

export const actionForm = z.object({
  title: formText(actionTitleLimit, 'teamMaps.errors.actionTooLong', { min: 1, message: 'teamMaps.errors.actionEmpty' }),
  owner: z.uuid({ error: 'teamMaps.errors.owner' }),
  due: optionalDay.optional().transform((d) => d ?? null),
  status: z.enum(teamActionStatuses, { error: 'teamMaps.errors.status' }).default('not_started'),
});
export type ActionInput = z.output<typeof actionForm>;

/** An edit carries the version of the action the page showed. */
export const actionEditForm = actionForm.extend({ version: z.coerce.number().int().min(1, 'teamMaps.errors.formMismatch') });
export type ActionEditInput = z.output<typeof actionEditForm>;

export const completeForm = z.object({ version: z.coerce.number().int().min(1, 'teamMaps.errors.formMismatch') });
export type CompleteInput = z.output<typeof completeForm>;

/** Who may own a team's action: staff of the team's school (those holding a staff role there or at every school); any staff for the district's. */
export const actionOwners = async (roster: Pick<RosterService, 'staffHolding'>, tenantId: string, schoolId: string | null) =>
  (await roster.staffHolding(tenantId, staffRoles, schoolId === null ? null : [schoolId])).map((p) => ({ id: p.id, name: p.name })).sort((a, b) => a.name.localeCompare(b.name));
