import { expect } from 'chai';
import { familyCodes, familyFor, installKeysOf, lmsFamilies, toolUrls } from '../../../src/lti/families/index.js';
import { hasText, t } from '../../../src/web/i18n.js';

describe('LMS families', () => {
  it('lists every family code once, and unknown codes are generic', () => {
    expect(lmsFamilies.map((f) => f.code)).to.deep.equal([...familyCodes]);
    expect(familyFor(' Schoology ').code).to.equal('schoology');
    expect(familyFor('blackboard').code).to.equal('generic');
    expect(familyFor(undefined).code).to.equal('generic');
  });

  for (const family of lmsFamilies) {
    it(`${family.code}: every install text key has a text, and every step pastes a URL the tool has or a fixed text`, () => {
      const keys = installKeysOf(family.install);
      expect(keys.length).to.be.greaterThan(2);
      expect(keys.filter((k) => !hasText(k))).to.deep.equal([]);
      const urls = toolUrls('https://tool.example');
      for (const p of family.install.steps.flatMap((s) => s.paste ?? [])) expect('url' in p ? urls[p.url] : p.text, p.label).to.be.a('string').and.not.equal('');
    });

    it(`${family.code}: its guide names no other LMS`, () => {
      const others = lmsFamilies.filter((f) => f !== family && f.code !== 'generic').map((f) => f.label);
      for (const key of installKeysOf(family.install)) for (const other of others) expect(t(key), key).to.not.contain(other);
    });
  }

  it('builds the tool URLs with URL, keeping a base path and dropping a trailing slash', () => {
    expect(toolUrls('https://tool.example')).to.include({ login: 'https://tool.example/lti/login', canvasJson: 'https://tool.example/lti/canvas.json', domain: 'tool.example' });
    expect(toolUrls('https://tool.example/').launch).to.equal('https://tool.example/lti/launch');
    expect(toolUrls('https://host.example:8443/plans').keys).to.equal('https://host.example:8443/plans/lti/keys');
  });
});
