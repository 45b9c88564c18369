import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import Handlebars from 'handlebars';
import { barChart, heatMap, lineChart, stackedBar } from '../../../src/reports/charts.js';
import { contrast, shadeScale, textOn } from '../../../src/reports/chart-common.js';
import type { Cell } from '../../../src/reports/suppression.js';
import { helpers } from '../../../src/web/views.js';

const small: Cell = { suppressed: true, reason: 'small' };
const complementary: Cell = { suppressed: true, reason: 'complementary' };
const base = { locale: 'en', minGroupSize: 10 };

/** The partials as the app registers them (views/partials), to check the markup they write. */
function render(partial: string, model: Record<string, unknown>, locale = 'en'): string {
  const hbs = Handlebars.create();
  hbs.registerHelper(helpers);
  const dir = path.resolve('views/partials');
  for (const f of readdirSync(dir).filter((n) => n.startsWith('report-'))) hbs.registerPartial(f.slice(0, -4), readFileSync(path.join(dir, f), 'utf8'));
  return hbs.compile(`{{> ${partial} chart=chart table=table}}`)({ ...model, locale });
}

describe('reports: charts (server-drawn SVG view models)', () => {
  it('bar chart: d3 band and linear scales place each bar; a hidden group has no bar and says "fewer than 10"', () => {
    const { chart, table } = barChart({ ...base, id: 'by-grade', title: 'Students by grade', labelHeader: 'Grade', valueHeader: 'Students', items: [{ label: 'Grade 9', value: { shown: 12 } }, { label: 'Grade 10', value: small }, { label: 'Grade 11', value: { shown: 30 } }] });
    // Rows 8..92, padding 0.2: step 84 / 3.2 = 26.25, band 21, first at 8 + (84 - 26.25 * 2.8) / 2 = 13.25.
    expect(chart.rows.map((r) => r.y)).to.deep.equal([13.3, 39.5, 65.8]);
    expect(chart.rows[0]!.height).to.equal(21);
    // x from 130 to 420 for 0..30: 12 -> 130 + 290 * 12 / 30 = 246.
    expect(chart.rows[0]!.bar).to.deep.equal({ x: 130, width: 116 });
    expect(chart.rows[2]!.bar).to.deep.equal({ x: 130, width: 290 });
    expect(chart.rows[1]).to.include({ bar: undefined, valueText: 'fewer than 10', hidden: true, valueX: 134 });
    expect(chart.ticks).to.deep.equal([{ x: 130, label: '0' }, { x: 226.7, label: '10' }, { x: 323.3, label: '20' }, { x: 420, label: '30' }]);
    expect(table.rows[1]).to.deep.equal({ label: 'Grade 10', cells: ['fewer than 10'] });
    expect(table.note).to.match(/fewer than 10 students/);
    expect(chart.summary).to.equal('Grade 9: 12; Grade 10: fewer than 10; Grade 11: 30');
  });

  it('heat map: shades from the d3 sequential ramp with readable text; hidden cells hatched with "*" and no number', () => {
    const { chart, table } = heatMap({ ...base, id: 'needs', title: 'Needs by grade', rowHeader: 'Grade', columns: ['Food', 'Housing'], domain: [0, 100], rows: [{ label: 'Grade 9', cells: [{ shown: 0 }, { shown: 50 }] }, { label: 'Grade 10', cells: [small, complementary] }] });
    expect(chart.rows.map((r) => r.y)).to.deep.equal([96, 128]);
    expect(chart.rows[0]!.cells.map((c) => [c.x, c.fill, c.textFill])).to.deep.equal([
      [110, 'rgb(244, 246, 248)', '#000000'],
      [166, 'rgb(111, 159, 212)', '#000000'],
    ]);
    expect(chart.rows[1]!.cells.map((c) => [c.text, c.hidden])).to.deep.equal([['*', true], ['*', true]]);
    expect(chart.legend.hiddenNote).to.match(/^\* Hidden/);
    expect(table.rows[1]!.cells).to.deep.equal(['fewer than 10', 'hidden']);
    expect(chart.width).to.equal(110 + 2 * 56 + 40);
  });

  it('every shade of the ramp keeps its text at least 4.5:1 (WCAG AA)', () => {
    const shade = shadeScale([0, 100]);
    for (let v = 0; v <= 100; v += 2.5) expect(contrast(shade(v), textOn(shade(v)))).to.be.at.least(4.5);
  });

  it('line chart: d3 point scale over weeks, the line broken at a hidden week, a table row per week', () => {
    const { chart, table } = lineChart({ ...base, id: 'tier3', title: 'Tier 3 students', weeks: ['2026-03-02', '2026-03-09', '2026-03-16'], series: [{ name: 'Tier 3', values: [{ shown: 10 }, complementary, { shown: 20 }] }] });
    // x: 44..468 with padding 0.5 -> step 424 / 3, first at 44 + 70.67; y: 0..20 on 172..12.
    expect(chart.series[0]!.dots.map((d) => [d.x, d.y])).to.deep.equal([[114.7, 92], [397.3, 12]]);
    expect(chart.series[0]!.path).to.equal('M114.7,92ZM397.3,12Z');
    expect(chart.area).to.be.a('string');
    expect(table.rows.map((r) => [r.label, ...r.cells])).to.deep.equal([['Mar 2', '10'], ['Mar 9', 'hidden'], ['Mar 16', '20']]);
    const two = lineChart({ ...base, id: 'two', title: 't', weeks: ['2026-03-02'], series: [{ name: 'A', values: [{ shown: 1 }] }, { name: 'B', values: [null] }] });
    expect(two.chart.area).to.equal(undefined);
    expect(two.chart.series.map((s) => s.dash)).to.deep.equal(['', '6 3']);
    expect(two.table.rows[0]!.cells).to.deep.equal(['1', '–']);
  });

  it('stacked bar: d3 stack places tiers end to end, or as shares; a hidden grade has no segments', () => {
    const input = { ...base, id: 'tiers', title: 'Tiers by grade', rowHeader: 'Grade', categories: ['Tier 1', 'Tier 2', 'Tier 3'], rows: [{ label: 'Grade 9', values: [{ shown: 6 }, { shown: 3 }, { shown: 1 }] }, { label: 'Grade 10', values: [small, small, small] }, { label: 'Grade 11', values: [{ shown: 10 }, { shown: 5 }, { shown: 5 }] }] };
    const { chart, table } = stackedBar(input);
    // 0..20 on 110..464: 17.7 px a student.
    expect(chart.rows[0]!.segments.map((s) => [s.x, s.width, s.fits])).to.deep.equal([[110, 106.2, true], [216.2, 53.1, true], [269.3, 17.7, false]]);
    expect(chart.rows[2]!.segments.map((s) => s.width)).to.deep.equal([177, 88.5, 88.5]);
    expect(chart.rows[1]).to.include({ hidden: true, hiddenText: 'fewer than 10' });
    expect(chart.rows[1]!.segments).to.deep.equal([]);
    expect(chart.rows.map((r) => r.y)).to.deep.equal([13.6, 41.8, 69.9]);
    expect(table.rows[1]!.cells).to.deep.equal(['fewer than 10', 'fewer than 10', 'fewer than 10']);
    const shares = stackedBar({ ...input, asShare: true });
    expect(shares.chart.rows[0]!.segments.map((s) => [s.width, s.text])).to.deep.equal([[212.4, '60%'], [106.2, '30%'], [35.4, '10%']]);
    expect(shares.chart.ticks.at(-1)).to.deep.equal({ x: 464, label: '100%' });
  });

  it('the partials escape every text, label the image, and never write a hidden number', () => {
    const bar = barChart({ ...base, id: 'esc', title: 'A <b>title</b>', labelHeader: 'Grupo', valueHeader: 'n', items: [{ label: '<script>x</script>', value: { shown: 17 } }, { label: 'Small', value: small }] });
    const html = render('report-bar-chart', bar);
    expect(html).to.not.include('<script>');
    expect(html).to.include('&lt;script&gt;x&lt;/script&gt;');
    expect(html).to.include('aria-labelledby="esc-title esc-desc"');
    expect(html).to.match(/<figure class="report-chart">[\s\S]*<svg viewBox="0 0 480 [\d.]+" width="100%" role="img"[\s\S]*<figcaption>[\s\S]*<details class="report-data">[\s\S]*<table>/);
    expect((html.match(/<rect /g) ?? []).length).to.equal(1); // the hidden group has no bar
    const heat = heatMap({ ...base, locale: 'es', id: 'h', title: 'Needs', rowHeader: 'Grade', columns: ['Food'], rows: [{ label: 'G9', cells: [small] }, { label: 'G10', cells: [{ shown: 13 }] }] });
    const heatHtml = render('report-heat-map', heat, 'es');
    expect(heatHtml).to.include('fill="url(#h-hatch)"');
    expect(heatHtml).to.include('<td>menos de 10</td>');
    expect(heatHtml).to.include('Mostrar los números en una tabla');
    expect(heatHtml).to.match(/<title>G9, Food: menos de 10<\/title>\s*<rect[^>]*\/>\s*<text[^>]*>\*<\/text>/);
    const stacked = render('report-stacked-bar', stackedBar({ ...base, id: 's', title: 'T', rowHeader: 'G', categories: ['1'], rows: [{ label: 'G9', values: [small] }] }));
    expect(stacked).to.include('fewer than 10');
    expect(render('report-line-chart', lineChart({ ...base, id: 'l', title: 'L', weeks: ['2026-03-02'], series: [{ name: 'A', values: [{ shown: 4 }] }] }))).to.include('<path d="M');
  });

  it('refuses an id that is not safe in an attribute', () => {
    expect(() => barChart({ ...base, id: 'x" onload="', title: 't', labelHeader: '', valueHeader: '', items: [] })).to.throw(RangeError);
  });
});
