/**
 * Report charts as server-drawn SVG: each builder returns `{ chart, table }`, a view model of
 * coordinates and texts for its partial (views/partials/report-*.hbs) and a table of the same numbers.
 * Scales are d3-scale's, shapes d3-shape's; hidden (suppressed) values are never drawn, only named.
 */
export { barChart, type BarChart, type BarChartInput } from './bar-chart.js';
export { heatMap, type HeatMap, type HeatMapInput } from './heat-map.js';
export { lineChart, type LineChart, type LineChartInput } from './line-chart.js';
export { stackedBar, type StackedBar, type StackedBarInput } from './stacked-bar.js';
export type { ChartOptions, ChartTable } from './chart-common.js';
