import { expect } from 'chai';
import { cleanDeep, cleanText, isPlainObject } from '../../../src/web/text.js';

describe('storable text', () => {
  it('drops NUL and lone surrogates, keeps surrogate pairs, and composes accents (NFC)', () => {
    expect(cleanText('a\u0000b')).to.equal('ab');
    expect(cleanText('x\uD800y\uDC00z')).to.equal('xyz');
    expect(cleanText('end\uD83D')).to.equal('end');
    expect(cleanText('\uDE00start')).to.equal('start');
    expect(cleanText('smile 😀')).to.equal('smile 😀');
    expect(cleanText('cafe\u0301')).to.equal('café');
    // A NUL between the halves of a pair: the pair comes back whole.
    expect(cleanText('\uD83D\u0000\uDE00')).to.equal('😀');
  });

  it('cleans every string of a document, keys too, and never turns a __proto__ key into a prototype', () => {
    const doc = JSON.parse('{"__proto__":{"polluted":"a\\u0000"},"n\\u0000ame":["x\\ud800",1,null,{"e":"e\\u0301"}]}') as unknown;
    const clean = cleanDeep(doc) as Record<string, unknown>;
    expect(Object.getPrototypeOf(clean)).to.equal(Object.prototype);
    expect(Object.keys(clean)).to.deep.equal(['__proto__', 'name']);
    expect(clean.name).to.deep.equal(['x', 1, null, { e: 'é' }]);
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
    const date = new Date(0);
    expect(cleanDeep(date)).to.equal(date);
  });

  it('knows a parsed form (no prototype) and a JSON object from arrays and class instances', () => {
    expect(isPlainObject(Object.create(null))).to.equal(true);
    expect(isPlainObject({})).to.equal(true);
    expect(isPlainObject([])).to.equal(false);
    expect(isPlainObject(new Date())).to.equal(false);
    expect(isPlainObject(null)).to.equal(false);
    expect(isPlainObject('x')).to.equal(false);
  });
});
