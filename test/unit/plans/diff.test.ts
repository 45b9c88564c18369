import { expect } from 'chai';
import { wordDiff } from '../../../src/plans/diff.js';

describe('wordDiff: what changed in a field, word by word', () => {
  it('marks the words removed and added, keeping the rest and its spacing', () => {
    expect(wordDiff('I like maths and art', 'I like maths and music')).to.deep.equal([
      { text: 'I like maths and ', op: 'same' },
      { text: 'art', op: 'removed' },
      { text: 'music', op: 'added' },
    ]);
    const parts = wordDiff('One line.\nTwo lines.', 'One line.\n\nTwo lines and more.');
    expect(parts.filter((p) => p.op !== 'removed').map((p) => p.text).join('')).to.equal('One line.\n\nTwo lines and more.');
    expect(parts.filter((p) => p.op !== 'added').map((p) => p.text).join('')).to.equal('One line.\nTwo lines.');
  });

  it('shows a first text as all added, and a cleared one as all removed', () => {
    expect(wordDiff('', 'New words')).to.deep.equal([{ text: 'New words', op: 'added' }]);
    expect(wordDiff('Old words', '')).to.deep.equal([{ text: 'Old words', op: 'removed' }]);
  });

  it('gives up on word detail past its limit: all removed, all added', () => {
    const a = Array.from({ length: 4000 }, (_, i) => `a${i}`).join(' ');
    const b = Array.from({ length: 4000 }, (_, i) => `b${i}`).join(' ');
    expect(wordDiff(a, b)).to.deep.equal([{ text: a, op: 'removed' }, { text: b, op: 'added' }]);
    // Under the word limit but every word changed: too many edits to show word by word.
    const c = Array.from({ length: 2500 }, (_, i) => `c${i}`).join(' ');
    const d = Array.from({ length: 2500 }, (_, i) => `d${i}`).join(' ');
    expect(wordDiff(c, d)).to.deep.equal([{ text: c, op: 'removed' }, { text: d, op: 'added' }]);
  });
});
