import { labelOf, t } from '../web/i18n.js';
import type { AuditEvent } from './audit.service.js';

/** A stored code (action, entity, role, attempt) as words; a code with no text yet shows as it is. */
const label = (group: 'actions' | 'entities' | 'roles' | 'attempts', code: string) => labelOf(`audit.${group}`, code);

export const actionLabel = (code: string) => label('actions', code);
export const entityLabel = (code: string) => label('entities', code);
export const roleLabel = (code: string) => label('roles', code);
export const attemptLabel = (code: string | null) => (code ? label('attempts', code) : null);

/** One event as the admin page and the CSV show it: words, names, never ids alone. */
export function presentEvent(e: AuditEvent, names: Map<string, string>) {
  const nameOf = (id: string) => names.get(id) || t('audit.noName');
  return {
    id: e.id,
    at: e.at,
    actorId: e.actorId,
    actorName: e.actorId ? names.get(e.actorId) || t('audit.unknownPerson') : roleLabel(e.actorRole),
    roleLabel: roleLabel(e.actorRole),
    action: e.action,
    actionLabel: actionLabel(e.action),
    recordLabel: entityLabel(e.entity),
    attemptLabel: attemptLabel(e.attempt),
    students: e.studentIds.map((id) => ({ id, name: nameOf(id) })),
  };
}
export type PresentedEvent = ReturnType<typeof presentEvent>;

/** Every person an event names: its actor and its students, for one name lookup per page. */
export const peopleOf = (events: AuditEvent[]) => events.flatMap((e) => [...(e.actorId ? [e.actorId] : []), ...e.studentIds]);
