import { z } from 'zod';
import { formText } from '../web/forms.js';

/** An e-mail as typed: trimmed and lower-cased, so one person has one account per school. */
const emailField = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email('providers.form.badEmail').max(254, 'providers.form.badEmail'));

export const organisationForm = z.object({
  name: formText(200, 'providers.form.tooLong', { min: 1, message: 'providers.form.required' }),
});
export type OrganisationForm = z.infer<typeof organisationForm>;

export const inviteForm = z.object({
  organisationId: z.uuid('providers.form.chooseOrganisation'),
  name: formText(200, 'providers.form.tooLong', { min: 1, message: 'providers.form.required' }),
  email: emailField,
});
export type InviteForm = z.infer<typeof inviteForm>;

/** The school a provider signs in at: its tenant id, carried by every link and form of /provider. */
export const schoolField = z.uuid();

export const signInForm = z.object({
  school: schoolField,
  email: z.string().trim().toLowerCase().max(254),
  password: z.string().max(1000),
});

export const linkRequestForm = z.object({
  school: schoolField,
  email: emailField,
});

export const tokenForm = z.object({
  school: schoolField,
  token: z.string().regex(/^[A-Za-z0-9_-]{20,100}$/),
});

/** Long rather than complex (NIST 800-63B): 12 to 200 characters, typed twice. */
export const passwordForm = z
  .object({
    password: z.string().min(12, 'providers.password.tooShort').max(200, 'providers.password.tooLong'),
    confirm: z.string().max(200),
  })
  .refine((f) => f.password === f.confirm, { message: 'providers.password.mismatch', path: ['confirm'] });
export type PasswordForm = z.infer<typeof passwordForm>;
