export const scopes = {
  nrps: 'https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly',
  lineItem: 'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem',
  lineItemReadonly: 'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly',
  resultReadonly: 'https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly',
  score: 'https://purl.imsglobal.org/spec/lti-ags/scope/score',
} as const;

const agsPrefix = 'https://purl.imsglobal.org/spec/lti-ags/scope/';

/**
 * The scopes we may ask for: wanted ∩ what the platform granted at registration (when it told us)
 * ∩, for AGS scopes, what the context's launch claim listed (when it carried one). Canvas answers
 * invalid_scope to the whole request if one scope is not on the key, so never ask for more.
 */
export function allowedScopes(wanted: readonly string[], granted: readonly string[], contextAgsScopes: readonly string[] = []): string[] {
  return wanted.filter(
    (s) => (granted.length === 0 || granted.includes(s)) && (!s.startsWith(agsPrefix) || contextAgsScopes.length === 0 || contextAgsScopes.includes(s)),
  );
}
