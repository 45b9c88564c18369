import { expect } from 'chai';
import { loadCheckinScripts } from '../../../src/checkins/checkins.schemas.js';
import { needOf, needsIn, needsScreenerKind, needsScreenerSchema, type NeedsScreener } from '../../../src/checkins/needs-screener.js';
import { problemsOf } from '../../../src/configuration/configuration.schemas.js';
import { shippedLocales } from '../../support/content.js';

describe('the needs screener as a configuration document (issue 14 items 2 and 3)', () => {
  const scripts = loadCheckinScripts(shippedLocales);
  const kind = needsScreenerKind(scripts);
  const shipped = kind.shipped();
  const changed = (edit: (needs: NeedsScreener['needs']) => NeedsScreener['needs']): NeedsScreener => ({ needs: edit(structuredClone(shipped.needs)) });
  const codesOf = (next: NeedsScreener) => kind.changeProblems!(shipped, next).map((p) => [p.code, p.params.key]);

  it("ships the check-in script's needs, in its order, each offered, with the Spanish file's words beside the English", () => {
    expect(needsScreenerSchema.safeParse(shipped).success).to.equal(true);
    expect(shipped.needs.map((n) => n.id)).to.deep.equal(scripts.en!.needs.map((n) => n.id));
    expect(shipped.needs.every((n) => n.offered)).to.equal(true);
    expect(needsIn(shipped, 'en').map((n) => [n.id, n.label, n.sensitive])).to.deep.equal(scripts.en!.needs.map((n) => [n.id, n.label, n.sensitive]));
    expect(needsIn(shipped, 'es').map((n) => n.label)).to.deep.equal(scripts.es!.needs.map((n) => n.label));
  });

  it('reads a blank Spanish as the English, and a category the screener lacks as sensitive, labelled by its support category', () => {
    const doc = changed((needs) => needs.map((n) => (n.id === 'food' ? { ...n, label: 'Meals', translations: { es: { label: '' } } } : n)));
    expect(needOf(doc, 'food', 'es').label).to.equal('Meals');
    expect(needOf(doc, 'legal', 'es')).to.deep.include({ label: 'Ayuda jurídica', sensitive: true, offered: false });
  });

  it('takes only support categories, each once, and at least one need offered', () => {
    const twice = changed((needs) => [...needs, { ...needs[0]! }]);
    expect(problemsOf(kind.id, kind.schema, twice).map((p) => p.code)).to.deep.equal(['needs_id_twice']);
    expect(problemsOf(kind.id, kind.schema, changed((needs) => needs.map((n) => ({ ...n, offered: false })))).map((p) => p.code)).to.deep.equal(['needs_none_offered']);
    expect(needsScreenerSchema.safeParse(changed((needs) => [...needs, { id: 'transport' as 'other', label: 'Transport', sensitive: false, offered: true, translations: undefined }])).success).to.equal(false);
  });

  it('lets a school relabel, reorder, stop offering, make sensitive and add a support category as a need', () => {
    const next = changed((needs) => [
      ...needs.reverse().map((n) => (n.id === 'technology' ? { ...n, label: 'Devices', sensitive: true } : n.id === 'enrichment' ? { ...n, offered: false } : n)),
      { id: 'substance_use', label: 'Substance use', sensitive: true, offered: true, translations: { es: { label: 'Consumo de sustancias' } } },
      { id: 'other', label: 'Something else', sensitive: false, offered: true, translations: undefined },
    ]);
    expect(problemsOf(kind.id, kind.schema, next)).to.deep.equal([]);
    expect(kind.changeProblems!(shipped, next)).to.deep.equal([]);
  });

  it('refuses a need removed, a sensitive need made not sensitive, and an always-sensitive category added not sensitive, naming each', () => {
    const next = changed((needs) => [
      ...needs.filter((n) => n.id !== 'enrichment').map((n) => (n.id === 'food' ? { ...n, sensitive: false } : n)),
      { id: 'legal', label: 'Legal help', sensitive: false, offered: true, translations: undefined },
    ]);
    expect(codesOf(next)).to.have.deep.members([['needs_removed', 'enrichment'], ['needs_sensitive_kept', 'food'], ['needs_sensitive_floor', 'legal']]);
    // The shipped health need is not sensitive: it may stay as shipped; once a school ticks it, it stays ticked.
    expect(codesOf(shipped)).to.deep.equal([]);
    const healthSensitive = changed((needs) => needs.map((n) => (n.id === 'health' ? { ...n, sensitive: true } : n)));
    expect(kind.changeProblems!(healthSensitive, shipped).map((p) => [p.code, p.params.key])).to.deep.equal([['needs_sensitive_kept', 'health']]);
  });
});
