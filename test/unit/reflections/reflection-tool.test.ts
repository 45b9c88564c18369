import { expect } from 'chai';
import { evidenceCardKinds, lookForKeys, loadReflectionTools, reflectionComponents } from '../../../src/reflections/reflection-tool.js';
import { configProblems, contentFixture, leaves, shippedJson, shippedLocales } from '../../support/content.js';

type Overlay = { components: Record<string, { title?: string; inquiries: Record<string, { lookFors: Record<string, string> }> }> };

describe('reflection tool content (config/reflection-tool.json and its overlays)', () => {
  it('ships every core component, each with inquiries, data sources, look-fors and district prompts, in every language', () => {
    const tools = loadReflectionTools(shippedLocales);
    expect(Object.keys(tools)).to.have.members(shippedLocales);
    for (const tool of Object.values(tools)) {
      expect(Object.keys(tool.components)).to.deep.equal([...reflectionComponents]);
      for (const c of Object.values(tool.components)) expect(Object.keys(c.district)).to.have.length.above(0);
    }
    expect(tools.es!.components.relationships.title).to.equal('Relaciones de apoyo');
  });

  it('translates every text and keeps keys and suggested cards as in English', () => {
    const tools = loadReflectionTools(shippedLocales);
    const english = leaves(tools.en);
    for (const locale of shippedLocales.filter((l) => l !== 'en')) {
      const translated = leaves(tools[locale]);
      expect([...translated.keys()], locale).to.deep.equal([...english.keys()]);
      for (const [at, value] of translated) {
        if (at.includes('evidenceCards')) expect(value, `${locale} ${at}`).to.deep.equal(english.get(at));
        else expect(value, `${locale} ${at}`).to.not.equal(english.get(at));
      }
      for (const c of reflectionComponents) expect(lookForKeys(tools[locale]!, c)).to.deep.equal(lookForKeys(tools.en!, c));
    }
  });

  it('suggests, across the components, every kind of evidence card', () => {
    const { en } = loadReflectionTools(['en']);
    const suggested = new Set(Object.values(en!.components).flatMap((c) => Object.values(c.inquiries).flatMap((q) => q.evidenceCards)));
    expect([...suggested]).to.have.members([...evidenceCardKinds]);
  });

  it('refuses an overlay that lacks a look-for or names one the English does not have, naming both and the file', () => {
    const overlay = shippedJson('reflection-tool.es.json') as Overlay;
    const lookFors = overlay.components.relationships!.inquiries['with-students']!.lookFors;
    delete lookFors['peers'];
    lookFors['extra'] = 'Algo más';
    const file = contentFixture('reflection-tool', shippedJson('reflection-tool.json'), { es: overlay });
    const text = configProblems(() => loadReflectionTools(['en', 'es'], file));
    expect(text).to.include('reflection-tool.es.json components.relationships.inquiries.with-students.lookFors.peers: missing');
    expect(text).to.include('reflection-tool.es.json components.relationships.inquiries.with-students.lookFors.extra: unknown key');
  });
});
