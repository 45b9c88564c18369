import { expect } from 'chai';
import { helpers } from '../../../src/web/views.js';

describe('the {{codes}} helper (the data dictionary quoting stored codes)', () => {
  it('shows each backticked code as code translators leave alone, and escapes the rest', () => {
    const html = (helpers.codes('`draft` o <b>`active`</b>') as { toHTML(): string }).toHTML();
    expect(html).to.equal('<code translate="no">draft</code> o &lt;b&gt;<code translate="no">active</code>&lt;/b&gt;');
  });
});
