/**
 * The custom parameters a launch carries its course's school in. Canvas fills them from its variable
 * substitutions when the tool's registration asks for them (custom_fields in src/lti/families/canvas.ts:
 * `canvas_account_id: '$Canvas.account.id'`, `canvas_account_name: '$Canvas.account.name'`): the course's
 * account, a district's sub-account per school.
 */
export const lmsSchoolParameters = { key: 'canvas_account_id', name: 'canvas_account_name' } as const;

/** A substitution the LMS could not fill arrives as the variable's own name ($Canvas.account.id): no value. */
const filled = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' && !v.startsWith('$') ? v.trim().slice(0, 255) : undefined);

/** The launch's school for `schools.placeCourse`, from its custom claim; undefined when the launch names none. */
export function lmsSchoolOf(custom: Record<string, unknown> | undefined): { lmsKey: string; name?: string } | undefined {
  const lmsKey = filled(custom?.[lmsSchoolParameters.key]);
  if (!lmsKey) return undefined;
  const name = filled(custom?.[lmsSchoolParameters.name]);
  return name ? { lmsKey, name } : { lmsKey };
}
