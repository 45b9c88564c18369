import { expect } from 'chai';
import { checkEndpoints, RegistrationError } from '../../../src/lti/registration.service.js';
import type { PlatformConfiguration } from '../../../src/lti/registration.schemas.js';
import type { Resolve } from '../../../src/lti/outbound.js';

/** In production, a registration names only endpoints the tool may call later: https on public addresses. */
describe('dynamic registration: the endpoints a configuration names (production)', () => {
  const resolve: Resolve = async (host) => {
    const table: Record<string, string> = { 'lms.example': '93.184.216.34', 'sso.example': '2606:4700::1111', 'metadata.example': '169.254.169.254', 'intranet.example': '10.20.30.40' };
    if (!table[host]) throw new Error('ENOTFOUND');
    return [{ address: table[host]!, family: table[host]!.includes(':') ? 6 : 4 }];
  };
  const config = (over: Partial<PlatformConfiguration> = {}): PlatformConfiguration => ({
    issuer: 'https://lms.example',
    authorization_endpoint: 'https://sso.example/authorize',
    token_endpoint: 'https://lms.example/token',
    jwks_uri: 'https://sso.example/jwks',
    registration_endpoint: 'https://lms.example/register',
    ...over,
  });
  const reasonOf = (p: Promise<void>) => p.then(() => 'accepted', (err: unknown) => (err instanceof RegistrationError ? err.reason : `other: ${String(err)}`));

  it('accepts https endpoints on public hosts', async () => {
    expect(await reasonOf(checkEndpoints(config(), resolve))).to.equal('accepted');
  });
  it('refuses a key set, token or registration endpoint on a private, link-local or loopback address', async () => {
    expect(await reasonOf(checkEndpoints(config({ jwks_uri: 'https://metadata.example/latest/meta-data' }), resolve))).to.equal('config_endpoint_address_not_public');
    expect(await reasonOf(checkEndpoints(config({ token_endpoint: 'https://intranet.example/token' }), resolve))).to.equal('config_endpoint_address_not_public');
    expect(await reasonOf(checkEndpoints(config({ registration_endpoint: 'https://127.0.0.1/register' }), resolve))).to.equal('config_endpoint_address_not_public');
    expect(await reasonOf(checkEndpoints(config({ authorization_endpoint: 'https://[::ffff:10.0.0.1]/auth' }), resolve))).to.equal('config_endpoint_address_not_public');
  });
  it('refuses an endpoint over http, or on a host that does not resolve', async () => {
    expect(await reasonOf(checkEndpoints(config({ jwks_uri: 'http://lms.example/jwks' }), resolve))).to.equal('config_not_https');
    expect(await reasonOf(checkEndpoints(config({ token_endpoint: 'https://nowhere.example/token' }), resolve))).to.equal('config_endpoint_unresolvable');
  });
});
