import { z } from 'zod';
import { familyCodes } from '../lti/families/index.js';
import { t, type Locale } from '../web/i18n.js';

// What each refusal says is chosen by issuesOf, in the reader's language, from the issue's kind and field.
const url = () => z.url({ protocol: /^https?$/ }).max(500);
const text = (max = 300) => z.string().trim().min(1).max(max);

/** A platform registered by hand (Schoology, or any LMS without dynamic registration): contract 2. */
export const manualPlatformInput = z.object({
  name: text(200),
  issuer: url(),
  clientId: text(),
  authLoginUrl: url(),
  accessTokenUrl: url(),
  jwksUrl: url(),
  authorizationServer: z.string().trim().min(1).max(500).optional(),
  family: z.enum(familyCodes).optional(),
  deploymentIds: z.array(text()).max(100),
  acceptNewDeployments: z.boolean().optional(),
  grantedScopes: z.array(z.string().min(1).max(300)).max(50).optional(),
});
export type ManualPlatformInput = z.input<typeof manualPlatformInput>;

/** The admin form: one deployment per line, a checkbox, a family select. */
export const platformForm = z.object({
  name: z.string().optional(),
  issuer: z.string().optional(),
  clientId: z.string().optional(),
  authLoginUrl: z.string().optional(),
  accessTokenUrl: z.string().optional(),
  jwksUrl: z.string().optional(),
  family: z.string().optional(),
  deploymentIds: z.string().optional(),
  acceptNewDeployments: z.string().optional(),
});

export const deploymentsSetting = z.object({ acceptNewDeployments: z.enum(['on', 'off']) });

/** The school's time zone form: the service validates the name (src/web/time-zone.ts). */
export const timeZoneForm = z.object({ timeZone: z.string().optional() });

/** The school year's first day form: a month and a day; the service checks the pair (src/web/school-year.ts). */
export const schoolYearStartForm = z.object({ month: z.string().optional(), day: z.string().optional() });

/** The "Allow" button of a deployment waiting for approval. */
export const deploymentApproval = z.object({ deploymentId: z.string().trim().min(1).max(300) });

/** One problem with the platform details: the field it is about (its input name) and a sentence a person can act on. */
export interface PlatformProblem {
  field: string;
  text: string;
}

/** The fields a refusal names (keys of platforms.fields): the registration's, and the school's time zone. */
const namedFields = new Set(['name', 'issuer', 'clientId', 'authLoginUrl', 'accessTokenUrl', 'jwksUrl', 'family', 'deploymentIds', 'timeZone']);

/** What was wrong with one value, as a key of platforms.problems; undefined for what no sentence covers. */
function problemOf(issue: z.core.$ZodIssue, field: string): string | undefined {
  if (issue.code === 'invalid_value' && field === 'family') return 'family';
  if (issue.code === 'custom' && field === 'timeZone') return 'timeZone';
  if (issue.code === 'invalid_format') return 'url';
  if (issue.code === 'invalid_type' || (issue.code === 'too_small' && issue.origin === 'string')) return 'required';
  if (issue.code === 'too_big' && issue.origin === 'string') return 'tooLong';
  return undefined;
}

/**
 * Turns zod's issues into sentences a person can act on, in their language, each with its field:
 * the issue's own, or `field` for a schema of one value (the time zone).
 */
export function issuesOf(error: z.ZodError, locale?: Locale, field?: string): PlatformProblem[] {
  return error.issues.map((i) => {
    const about = field ?? String(i.path[0] ?? '');
    const problem = namedFields.has(about) ? problemOf(i, about) : undefined;
    const text = problem
      ? t(`platforms.problems.${problem}`, { field: t(`platforms.fields.${about}`, {}, locale), codes: familyCodes.join(', ') }, locale)
      : i.message.match(/^[A-Z]/) ? i.message : `${i.path.join('.') || 'input'}: ${i.message}`;
    return { field: about, text };
  });
}

export const problemsOf = (error: z.ZodError): string[] => issuesOf(error).map((i) => i.text);
