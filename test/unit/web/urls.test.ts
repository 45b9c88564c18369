import { expect } from 'chai';
import { inToolUrl } from '../../../src/web/urls.js';

describe('in-tool URLs', () => {
  it('puts the ltik in the query, before the fragment', () => {
    expect(inToolUrl('/students/1/plan#comments', 'a.b.c')).to.equal('/students/1/plan?ltik=a.b.c#comments');
    expect(inToolUrl('/students/1/plan', 'a.b.c', { hash: 'strengths-adult' })).to.equal('/students/1/plan?ltik=a.b.c#strengths-adult');
  });
  it('keeps the path\'s own query and encodes added values', () => {
    expect(inToolUrl('/caseload?sort=name', 'k', { query: { q: 'a&b c' } })).to.equal('/caseload?sort=name&q=a%26b+c&ltik=k');
  });
  it('leaves the ltik out when there is none', () => {
    expect(inToolUrl('/', undefined, { hash: 'x' })).to.equal('/#x');
  });
  it('refuses a URL that leaves the tool', () => {
    expect(() => inToolUrl('https://evil.example/x', 'k')).to.throw();
    expect(() => inToolUrl('//evil.example/x', 'k')).to.throw();
  });
});
