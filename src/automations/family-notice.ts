import type { DbOrTx } from '../db/client.js';
import { recipientAddress, type MailService } from '../mail/mail.service.js';
import type { RosterService } from '../roster/roster.service.js';
import { isLocale } from '../web/i18n.js';

export interface FamilyNoticeDeps {
  roster: Pick<RosterService, 'rosterRelations' | 'findPeople'>;
  mail: Pick<MailService, 'queue'>;
}

/**
 * The `notify_family` action: the `family.update` e-mail (no name, no event, no words) to each family
 * member the roster links to the student and who has an address, in their language, queued in the run's
 * transaction. The first message's id, or null when no family member has an address (nothing to do).
 */
export function createFamilyNotice(deps: FamilyNoticeDeps) {
  return async (tx: DbOrTx, r: { tenantId: string; studentId: string }): Promise<string | null> => {
    const { mentors } = await deps.roster.rosterRelations(r.tenantId, r.studentId, tx);
    let first: string | null = null;
    for (const person of await deps.roster.findPeople(r.tenantId, mentors, tx)) {
      const to = recipientAddress.safeParse(person.email ?? '');
      if (!to.success) continue;
      const id = await deps.mail.queue(tx, { tenantId: r.tenantId, to: to.data, template: 'family.update', params: {}, locale: isLocale(person.locale) ? person.locale : undefined });
      first ??= id;
    }
    return first;
  };
}
