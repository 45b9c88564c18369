import { z } from 'zod';
import { familyCodes } from '../lti/families/index.js';

const url = (what: string) => z.url({ protocol: /^https?$/, error: `${what} must be a full http(s) URL` }).max(500, `${what} is too long`);
const text = (what: string, max = 300) => z.string({ error: `${what} is required` }).trim().min(1, `${what} is required`).max(max, `${what} is too long`);

/** A platform registered by hand (Schoology, or any LMS without dynamic registration): contract 2. */
export const manualPlatformInput = z.object({
  name: text('Name', 200),
  issuer: url('Issuer'),
  clientId: text('Client ID'),
  authLoginUrl: url('Authorization (OIDC auth) URL'),
  accessTokenUrl: url('Access token URL'),
  jwksUrl: url('JWKS (platform keyset) URL'),
  authorizationServer: z.string().trim().min(1).max(500).optional(),
  family: z.enum(familyCodes, { error: `Family must be one of ${familyCodes.join(', ')}` }).optional(),
  deploymentIds: z.array(text('Deployment ID')).max(100),
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

/** The "Allow" button of a deployment waiting for approval. */
export const deploymentApproval = z.object({ deploymentId: z.string().trim().min(1).max(300) });

/** One problem with the platform details: the field it is about (its input name) and a sentence a person can act on. */
export interface PlatformProblem {
  field: string;
  text: string;
}

/** Turns zod's issues into sentences a person can act on, each with its field. */
export function issuesOf(error: z.ZodError): PlatformProblem[] {
  return error.issues.map((i) => ({ field: String(i.path[0] ?? ''), text: i.message.match(/^[A-Z]/) ? i.message : `${i.path.join('.') || 'input'}: ${i.message}` }));
}

export const problemsOf = (error: z.ZodError): string[] => issuesOf(error).map((i) => i.text);
