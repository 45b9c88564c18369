import { expect } from 'chai';
import { signOnForm } from '../../../src/console/district-sign-on.schemas.js';

/** The district sign-on settings form: what an admin leaves blank or types wrong is a field error, never a crash. */
describe('district sign-on: the settings form', () => {
  const form = signOnForm({ loopbackHttp: false });
  const issuesOf = (posted: Record<string, string>) => {
    const parsed = form.safeParse(posted);
    return parsed.success ? [] : parsed.error.issues.map((i) => [i.path.join('.'), i.message]);
  };

  it('refuses an empty form field by field (the browser walk found it threw on the empty issuer)', () => {
    expect(issuesOf({ issuer: '', clientId: '', clientSecret: '', emailDomains: '' })).to.deep.include.members([
      ['issuer', 'console.signOn.form.badIssuer'],
      ['clientId', 'console.signOn.form.required'],
    ]);
  });

  it('refuses an issuer that is not https, or carries a query', () => {
    expect(issuesOf({ issuer: 'http://login.district.example.org', clientId: 'x', emailDomains: 'district.org' })).to.deep.equal([['issuer', 'console.signOn.form.badIssuer']]);
    expect(issuesOf({ issuer: 'https://login.district.example.org/?a=1', clientId: 'x', emailDomains: 'district.org' })).to.deep.equal([['issuer', 'console.signOn.form.badIssuer']]);
    expect(issuesOf({ issuer: 'https://login.district.example.org', clientId: 'x', emailDomains: 'district.org' })).to.deep.equal([]);
  });
});
