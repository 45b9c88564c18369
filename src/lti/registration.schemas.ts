import { z } from 'zod';

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

/** GET /lti/register as the LMS opens it (LTI-DR 1.0 section 3.3). */
export const registerQuery = z.object({
  openid_configuration: httpUrl,
  registration_token: z.string().min(1).max(10_000).optional(),
});

const platformConfigurationClaim = 'https://purl.imsglobal.org/spec/lti-platform-configuration';

/** The platform's OpenID configuration: only the members the tool relies on are required. */
export const platformConfiguration = z.object({
  issuer: httpUrl,
  authorization_endpoint: httpUrl,
  token_endpoint: httpUrl,
  jwks_uri: httpUrl,
  registration_endpoint: httpUrl,
  authorization_server: z.string().min(1).optional(),
  token_endpoint_auth_methods_supported: z.array(z.string()).optional(),
  id_token_signing_alg_values_supported: z.array(z.string()).optional(),
  scopes_supported: z.array(z.string()).optional(),
  claims_supported: z.array(z.string()).optional(),
  [platformConfigurationClaim]: z
    .object({
      product_family_code: z.string().optional(),
      version: z.string().optional(),
      messages_supported: z.array(z.object({ type: z.string(), placements: z.array(z.string()).optional() })).optional(),
    })
    .optional(),
});
export type PlatformConfiguration = z.infer<typeof platformConfiguration>;

export const productFamilyCode = (c: PlatformConfiguration): string | undefined => c[platformConfigurationClaim]?.product_family_code;

/** The platform's answer to the registration POST: the client id, maybe a deployment and the granted scopes. */
export const registrationResponse = z.object({
  client_id: z.union([z.string().min(1), z.number()]).transform(String),
  scope: z.string().optional(),
  'https://purl.imsglobal.org/spec/lti-tool-configuration': z
    .object({ deployment_id: z.union([z.string().min(1), z.number()]).transform(String).optional() })
    .optional(),
});
export type RegistrationResponse = z.infer<typeof registrationResponse>;
