// Charts of the reports pages, drawn by uPlot (vendored: vendor/README.md)
// on a canvas. The canvas is hidden from screen readers: every chart has a
// caption and a table with the same figures next to it (DataTable).
import { html, useEffect, useRef } from "./html.js";
import uPlot from "../vendor/uplot.module.js";

/** cssVar reads a colour of the app's theme (light or dark). */
function cssVar(name, fallback) {
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return v || fallback;
}

const palette = ["--accent", "--warning-text", "--success", "--danger"];
const fallbacks = ["#3b5bdb", "#8a4b00", "#2b8a3e", "#c92a2a"];

/**
 * Chart draws series over x: for a time axis x holds days (ISO strings),
 * else category labels (drawn as 1, 2, … with the labels under the axis).
 * series are [{label, values}]; bars draws bars instead of lines. label
 * captions the figure (and names it for assistive technology).
 */
export function Chart({ label, x, series, bars = false, time = true, height = 220, testid }) {
  const box = useRef(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return undefined;
    const xs = time ? x.map((d) => Date.parse(d) / 1000) : x.map((_, i) => i + 1);
    const grid = cssVar("--border", "#dde1e6");
    const ink = cssVar("--text-muted", "#5c6470");
    const opts = {
      width: Math.max(el.clientWidth, 200),
      height,
      legend: { show: series.length > 1 },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
      axes: [
        { stroke: ink, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid },
          ...(time ? {} : { values: (_u, ticks) => ticks.map((t) => (Number.isInteger(t) && x[t - 1] !== undefined ? shortLabel(x[t - 1]) : "")) }) },
        { stroke: ink, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid } },
      ],
      series: [{}, ...series.map((s, i) => {
        const colour = cssVar(palette[i % palette.length], fallbacks[i % fallbacks.length]);
        return bars
          ? { label: s.label, stroke: colour, fill: colour, width: 0,
            paths: uPlot.paths.bars({ size: [0.7 / series.length, 48], align: 0 }), points: { show: false } }
          : { label: s.label, stroke: colour, width: 2, points: { show: x.length < 40 } };
      })],
    };
    const data = [xs, ...series.map((s) => s.values)];
    const plot = new uPlot(opts, data, el);
    const ro = new ResizeObserver(() => plot.setSize({ width: Math.max(el.clientWidth, 200), height }));
    ro.observe(el);
    return () => { ro.disconnect(); plot.destroy(); };
  }, [JSON.stringify(x), JSON.stringify(series), bars, time, height]);
  return html`
    <figure class="chart" data-testid=${testid}>
      <div class="chart-canvas" ref=${box} aria-hidden="true"></div>
      <figcaption class="muted small">${label}</figcaption>
    </figure>`;
}

function shortLabel(s) {
  return s.length > 14 ? `${s.slice(0, 13)}…` : s;
}

/**
 * DataTable shows a table of figures: head is the column names, rows the
 * cells (the first one of each row heads it). It is the accessible twin of
 * a chart, or a table on its own.
 */
export function DataTable({ caption, head, rows, testid, empty = "Nothing to show yet." }) {
  if (!rows.length) return html`<p class="muted" data-testid=${testid && `${testid}-empty`}>${empty}</p>`;
  return html`
    <div class="table-scroll">
      <table class="table report-table" data-testid=${testid}>
        <caption class="visually-hidden">${caption}</caption>
        <thead><tr>${head.map((h, i) => html`<th key=${i} scope="col" class=${i ? "num" : ""}>${h}</th>`)}</tr></thead>
        <tbody>
          ${rows.map((r, ri) => html`<tr key=${ri}>
            ${r.map((c, i) => (i === 0 ? html`<th key=${i} scope="row">${c}</th>` : html`<td key=${i} class="num">${c}</td>`))}
          </tr>`)}
        </tbody>
      </table>
    </div>`;
}

/** ChartWithTable is a chart with its table folded under it. */
export function ChartWithTable({ chart, table, tableLabel = "Show the figures as a table" }) {
  return html`
    ${chart}
    <details class="chart-table">
      <summary>${tableLabel}</summary>
      ${table}
    </details>`;
}
