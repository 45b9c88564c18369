import { expect } from 'chai';
import fc from 'fast-check';
import { isShown, minGroupSizeSchema, suppressList, suppressTable, type Cell } from '../../../src/reports/suppression.js';

const small = { suppressed: true, reason: 'small' } as const;
const complementary = { suppressed: true, reason: 'complementary' } as const;
const hiddenIn = (cells: Cell[]) => cells.filter((c) => !isShown(c)).length;

describe('reports: small-group suppression', () => {
  it('hides a small grade and, because the total is shown, the next-smallest one too: 46 - 12 - 30 no longer gives grade 10', () => {
    const out = suppressList([{ n: 12 }, { n: 4 }, { n: 30 }], 10);
    expect(out.groups).to.deep.equal([complementary, small, { shown: 30 }]);
    expect(out.total).to.deep.equal({ shown: 46 });
    // The leak it prevents: with grade 9 shown, total minus the shown grades would be exactly grade 10.
    const shownSum = out.groups.filter(isShown).reduce((a, c) => a + c.shown, 0);
    expect(46 - shownSum).to.equal(16); // grades 9 and 10 together: neither can be told apart
  });

  it('keeps hiding while the hidden groups together are fewer than the minimum (3 + 4 = 7 would be a small group by subtraction)', () => {
    const out = suppressList([{ n: 3 }, { n: 4 }, { n: 25 }, { n: 11 }], 10);
    expect(out.groups).to.deep.equal([small, small, { shown: 25 }, complementary]);
    expect(out.total).to.deep.equal({ shown: 43 });
  });

  it('two small groups that together reach the minimum need nothing more; ties go to the first listed', () => {
    expect(suppressList([{ n: 20 }, { n: 6 }, { n: 5 }, { n: 40 }], 10).groups).to.deep.equal([{ shown: 20 }, small, small, { shown: 40 }]);
    expect(suppressList([{ n: 15 }, { n: 2 }, { n: 15 }], 10).groups).to.deep.equal([complementary, small, { shown: 15 }]);
  });

  it('a school smaller than the minimum hides its total too; a minimum below 5 is refused', () => {
    expect(suppressList([{ n: 3 }, { n: 4 }], 10)).to.deep.equal({ groups: [small, small], total: small });
    expect(suppressList([{ n: 8 }], 5)).to.deep.equal({ groups: [{ shown: 8 }], total: { shown: 8 } });
    expect(() => suppressList([{ n: 8 }], 4)).to.throw(RangeError);
  });

  it('a table hides whole rows, so no column total recomputes a hidden cell (needs by grade)', () => {
    // Grades 9, 10, 11 by needs (food, housing). Grade 10 has 6 students: hidden; grade 9 (the next smallest) too.
    const out = suppressTable(
      {
        rows: [
          { base: 14, counts: [3, 1] },
          { base: 6, counts: [2, 2] },
          { base: 40, counts: [9, 0] },
        ],
      },
      10,
    );
    expect(out.rows.map((r) => r.base)).to.deep.equal([complementary, small, { shown: 40 }]);
    expect(out.rows[1]!.cells).to.deep.equal([small, small]);
    expect(out.rows[0]!.cells).to.deep.equal([complementary, complementary]);
    expect(out.rows[2]!.cells).to.deep.equal([{ shown: 9 }, { shown: 0 }]);
    expect(out.columnTotals).to.deep.equal([{ shown: 14 }, { shown: 3 }]);
    expect(out.grandTotal).to.deep.equal({ shown: 60 });
    // Without grade 9 hidden, housing in grade 10 would be 3 - 1 - 0 = 2: now only grades 9 and 10 together (3 of 20) are known.
  });

  it('refuses a count larger than its group', () => {
    expect(() => suppressTable({ rows: [{ base: 3, counts: [4] }] }, 5)).to.throw(RangeError);
  });

  it('the setting: a whole number from 5, 10 by default', () => {
    expect(minGroupSizeSchema.parse(undefined)).to.equal(10);
    expect(minGroupSizeSchema.parse('7')).to.equal(7);
    expect(minGroupSizeSchema.safeParse('4').success).to.equal(false);
    expect(minGroupSizeSchema.safeParse('7.5').success).to.equal(false);
  });

  describe('property: beside a shown total, never exactly one hidden member, and the hidden together reach the minimum', () => {
    const minimum = fc.integer({ min: 5, max: 20 });
    const sizes = fc.array(fc.integer({ min: 0, max: 60 }), { minLength: 0, maxLength: 12 });

    it('lists', () => {
      fc.assert(
        fc.property(sizes, minimum, (ns, min) => {
          const out = suppressList(
            ns.map((n) => ({ n })),
            min,
          );
          ns.forEach((n, i) => {
            const cell = out.groups[i]!;
            if (n < min) expect(cell).to.deep.equal(small);
            if (isShown(cell)) expect(cell.shown).to.equal(n);
          });
          if (!isShown(out.total)) {
            expect(out.groups.every((c) => !isShown(c))).to.equal(true);
            return;
          }
          const hiddenSizes = ns.filter((_, i) => !isShown(out.groups[i]!));
          expect(hiddenSizes.length).to.not.equal(1);
          if (hiddenSizes.length > 0) expect(hiddenSizes.reduce((a, b) => a + b, 0)).to.be.at.least(min);
        }),
      );
    });

    it('tables: every row and every column', () => {
      const table = fc.integer({ min: 1, max: 5 }).chain((columns) =>
        fc.array(
          fc.integer({ min: 0, max: 60 }).chain((base) => fc.record({ base: fc.constant(base), counts: fc.array(fc.integer({ min: 0, max: base }), { minLength: columns, maxLength: columns }) })),
          { minLength: 1, maxLength: 8 },
        ),
      );
      fc.assert(
        fc.property(table, minimum, (rows, min) => {
          const out = suppressTable({ rows }, min);
          const columns = rows[0]!.counts.length;
          for (let c = 0; c < columns; c++) {
            if (isShown(out.columnTotals[c]!)) expect(hiddenIn(out.rows.map((r) => r.cells[c]!))).to.not.equal(1);
          }
          if (isShown(out.grandTotal)) expect(hiddenIn(out.rows.map((r) => r.base))).to.not.equal(1);
          for (const row of out.rows) {
            // A shown row total beside its cells: all of them shown or all hidden with it.
            if (isShown(row.base)) expect(hiddenIn(row.cells)).to.equal(0);
            else expect(hiddenIn(row.cells)).to.equal(columns);
          }
        }),
      );
    });
  });
});
