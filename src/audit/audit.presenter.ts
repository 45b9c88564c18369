import { labelOf, t, type Locale } from '../web/i18n.js';
import type { AuditEvent } from './audit.service.js';

/** A stored code (action, entity, role, attempt) as words; a code with no text yet shows as it is. */
const label = (group: 'actions' | 'entities' | 'roles' | 'attempts', code: string, locale?: Locale) => labelOf(`audit.${group}`, code, locale);

export const actionLabel = (code: string, locale?: Locale) => label('actions', code, locale);
export const entityLabel = (code: string, locale?: Locale) => label('entities', code, locale);
export const roleLabel = (code: string, locale?: Locale) => label('roles', code, locale);
export const attemptLabel = (code: string | null, locale?: Locale) => (code ? label('attempts', code, locale) : null);

/** One event as the admin page and the CSV show it, in the admin's language: words, names, never ids alone. */
export function presentEvent(e: AuditEvent, names: Map<string, string>, locale?: Locale) {
  const nameOf = (id: string) => names.get(id) || t('audit.noName', {}, locale);
  return {
    id: e.id,
    at: e.at,
    actorId: e.actorId,
    actorName: e.actorId ? names.get(e.actorId) || t('audit.unknownPerson', {}, locale) : roleLabel(e.actorRole, locale),
    roleLabel: roleLabel(e.actorRole, locale),
    action: e.action,
    actionLabel: actionLabel(e.action, locale),
    recordLabel: entityLabel(e.entity, locale),
    attemptLabel: attemptLabel(e.attempt, locale),
    students: e.studentIds.map((id) => ({ id, name: nameOf(id) })),
  };
}
export type PresentedEvent = ReturnType<typeof presentEvent>;

/** Every person an event names: its actor and its students, for one name lookup per page. */
export const peopleOf = (events: AuditEvent[]) => events.flatMap((e) => [...(e.actorId ? [e.actorId] : []), ...e.studentIds]);
