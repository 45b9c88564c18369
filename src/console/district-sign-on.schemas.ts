import { z } from 'zod';

/** A DNS name as an e-mail's domain part: labels of letters, digits and hyphens, at least one dot. */
const domain = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** The domains box: one or more, separated by commas, spaces or lines; `@` before one is forgiven. */
const emailDomains = z
  .string()
  .max(2000, 'console.signOn.form.tooLong')
  .transform((text) => [...new Set(text.split(/[\s,;]+/).map((d) => d.trim().toLowerCase().replace(/^@/, '')).filter(Boolean))])
  .pipe(z.array(z.string().regex(domain, 'console.signOn.form.badDomain')).min(1, 'console.signOn.form.noDomain').max(20, 'console.signOn.form.tooManyDomains'));

/**
 * The district sign-on settings form. The issuer is an absolute https URL (or, outside production, http on
 * this machine: `loopbackHttp`) with no query or fragment, as OpenID Connect Discovery requires; an empty
 * secret keeps the saved one (it is never shown back), so only a first save needs one.
 */
export function signOnForm(opts: { loopbackHttp: boolean }) {
  const protocol = opts.loopbackHttp ? /^https?$/ : /^https$/;
  return z.object({
    issuer: z
      .string()
      .trim()
      .max(500, 'console.signOn.form.tooLong')
      .pipe(z.url({ protocol, error: 'console.signOn.form.badIssuer' }))
      .refine((u) => {
        // What is no URL, or of another protocol, the check above has named already: one message a field.
        if (!URL.canParse(u) || !protocol.test(new URL(u).protocol.slice(0, -1))) return true;
        const url = new URL(u);
        return !url.search && !url.hash && (url.protocol === 'https:' || ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname));
      }, 'console.signOn.form.badIssuer'),
    clientId: z.string().trim().min(1, 'console.signOn.form.required').max(255, 'console.signOn.form.tooLong'),
    clientSecret: z.string().trim().max(1000, 'console.signOn.form.tooLong').default(''),
    emailDomains,
  });
}
export type SignOnForm = z.infer<ReturnType<typeof signOnForm>>;

/** `/console/sign-in?school=…`, `/console/oidc/start` (school). */
export const schoolField = z.object({ school: z.uuid() });

/**
 * What the provider sends back to `/console/oidc/callback`: a code and the state, or an error and the
 * state. Lengths are capped; the values are checked by openid-client, never shown.
 */
export const callbackQuery = z.object({
  state: z.string().min(1).max(500).optional(),
  code: z.string().min(1).max(4000).optional(),
  error: z.string().max(200).optional(),
});

/** The pending sign-in kept in the console session between leaving for the provider and coming back. */
export const pendingFlow = z.object({
  school: z.uuid(),
  state: z.string().min(1),
  nonce: z.string().min(1),
  verifier: z.string().min(43),
  /** When it started (ms since the epoch, on the app's clock). */
  at: z.number().int(),
  loc: z.string(),
});
export type PendingFlow = z.infer<typeof pendingFlow>;
