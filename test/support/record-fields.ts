import { asUser } from './school.js';
import { configFormOf, decoded } from './html.js';

type Agent = ReturnType<typeof asUser>;

export const FIELDS_EDITOR = '/admin/configuration/custom-fields';

/** The versions a record's fields form carries (`version.<key>`), as its page loaded them. */
export const versionsOf = (html: string): Record<string, string> => Object.fromEntries([...html.matchAll(/name="version\.([a-z0-9-]+)" value="(\d+)"/g)].map((m) => [m[1]!, m[2]!]));

/** A record's fields form as a browser posts it: `texts` typed over the versions the page `loaded`. */
export function fieldsPost(texts: Record<string, string>, loaded: Record<string, string>): Record<string, string> {
  const form: Record<string, string> = {};
  for (const [k, v] of Object.entries(texts)) Object.assign(form, { [`text.${k}`]: v, [`version.${k}`]: loaded[k] ?? '0' });
  return form;
}

/** The index of the goal's layout in the console's generated form of the document. */
export const goalLayoutOf = (form: Record<string, string>) => Object.entries(form).find(([k, v]) => /^f\.layouts\.\d+\.object$/.test(k) && v === 'goal')![0].split('.')[2];

/**
 * The admin adds fields to the goal's first section in the console's generated form and publishes them as
 * version 1: `fields(at)` gives the form's entries, `at(i)` naming the section's i-th field row.
 */
export async function publishGoalFields(admin: Agent, fields: (at: (i: number) => string) => Record<string, string>): Promise<void> {
  const form = configFormOf(decoded((await admin.get(FIELDS_EDITOR).expect(200)).text));
  Object.assign(form, fields((i) => `f.layouts.${goalLayoutOf(form)}.sections.0.fields.${i}`));
  await admin.post(`${FIELDS_EDITOR}/draft`, form).expect(303);
  await admin.post(`${FIELDS_EDITOR}/publish`, { version: '1' }).expect(303);
}

/** An advisor's algebra goal on a student: the goal page's path. */
export async function algebraGoal(advisor: Agent, studentId: string): Promise<string> {
  const created = await advisor
    .post(`/students/${studentId}/goals`, { category: 'academic', statement: 'Finish every algebra assignment', measure: 'Assignments done', target: '4 of 4 each week', targetDate: '2026-06-01', why: 'To pass algebra' })
    .expect(303);
  return new URL(created.headers.location!, 'http://x').pathname;
}
