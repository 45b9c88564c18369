import { expect } from 'chai';
import { PgDialect } from 'drizzle-orm/pg-core';
import { anyId, idRows, uuidArray } from '../../../src/db/id-list.js';
import { people } from '../../../src/roster/roster.tables.js';

describe('anyId: a list of ids as one array parameter', () => {
  const dialect = new PgDialect();
  const a = '3b0c6a8e-0f0e-4a43-9d53-3c43c5e8d1a0';
  const b = 'B1C2D3E4-0F0E-4A43-9D53-3C43C5E8D1A0';

  it('sends any number of ids as one parameter', () => {
    const { sql, params } = dialect.sqlToQuery(anyId(people.id, [a, b]));
    expect(sql).to.equal('"people"."id" = any($1::uuid[])');
    expect(params).to.deep.equal([`{${a},${b}}`]);
  });

  it('leaves out what is no uuid, so no text can add or split elements of the array', () => {
    expect(dialect.sqlToQuery(anyId(people.id, [a, `${a},${b}`, '{x}', ''])).params).to.deep.equal([`{${a}}`]);
    expect(dialect.sqlToQuery(anyId(people.id, [])).params).to.deep.equal(['{}']);
  });
  it('makes the same one parameter for unnest, from any iterable, every element kept in its place', () => {
    const { sql, params } = dialect.sqlToQuery(uuidArray(new Set([a, 'nope'])));
    expect(sql).to.equal('$1::uuid[]');
    expect(params).to.deep.equal([`{${a}}`]);
    // Unnested beside another array (ids and days), a repeated id keeps its place.
    expect(dialect.sqlToQuery(uuidArray([a, b, a])).params).to.deep.equal([`{${a},${b},${a}}`]);
  });

  it('gives idRows each id once, whatever its case', () => {
    expect(dialect.sqlToQuery(idRows([a, b, a, b.toLowerCase()])).params).to.deep.equal([`{${a},${b.toLowerCase()}}`]);
  });

  it("builds a frozen list's parameter once, and a list that may change each time it is read", () => {
    const frozen = Object.freeze([a]);
    expect(dialect.sqlToQuery(uuidArray(frozen)).params).to.deep.equal([`{${a}}`]);
    expect(dialect.sqlToQuery(uuidArray(frozen)).params).to.deep.equal([`{${a}}`]);
    const open = [a];
    expect(dialect.sqlToQuery(uuidArray(open)).params).to.deep.equal([`{${a}}`]);
    open.push(b);
    expect(dialect.sqlToQuery(uuidArray(open)).params).to.deep.equal([`{${a},${b}}`]);
  });
});
