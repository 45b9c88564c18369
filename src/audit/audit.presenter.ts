import { labelOf, t, type Locale } from '../web/i18n.js';
import type { AuditEvent } from './audit.service.js';

/** A stored code (action, entity, role, attempt) as words; a code with no text yet shows as it is. */
const label = (group: 'actions' | 'entities' | 'roles' | 'attempts', code: string, locale?: Locale) => labelOf(`audit.${group}`, code, locale);

export const actionLabel = (code: string, locale?: Locale) => label('actions', code, locale);
export const entityLabel = (code: string, locale?: Locale) => label('entities', code, locale);
export const roleLabel = (code: string, locale?: Locale) => label('roles', code, locale);
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
