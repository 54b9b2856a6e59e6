// The completion-rate chart of the progress dashboard: one horizontal bar
// per lesson, drawn as SVG by hand (no chart library; no inline styles).
import { html, useState, useEffect } from "../html.js";

const rowH = 28; // px per lesson
const labelW = 38; // the lesson number column
const wideW = 600; // the viewBox width; the SVG scales to its box …
const narrowW = 340; // … narrower on phones, so the labels stay readable
const narrowQuery = "(max-width: 600px)";

// useNarrow follows whether the screen is phone-sized.
function useNarrow() {
  const [narrow, setNarrow] = useState(() => matchMedia(narrowQuery).matches);
  useEffect(() => {
    const mq = matchMedia(narrowQuery);
    const on = () => setNarrow(mq.matches);
    mq.addEventListener("change", on);
    return () => mq.removeEventListener("change", on);
  }, []);
  return narrow;
}
const pctW = 48; // the percentage column at the right

/**
 * RateChart draws rates ({lesson_id, completed, learners, percent}) for
 * lessons in the same order. The table next to it carries the same data
 * for screen readers, so the drawing has a short summary only.
 */
export function RateChart({ lessons, rates }) {
  const chartW = useNarrow() ? narrowW : wideW;
  if (!lessons.length) return null;
  const barMax = chartW - labelW - pctW;
  const h = lessons.length * rowH + 24;
  const grid = [0, 25, 50, 75, 100];
  const avg = rates.length ? Math.round(rates.reduce((n, r) => n + r.percent, 0) / rates.length) : 0;
  return html`
    <figure class="rate-chart" data-testid="rate-chart">
      <svg viewBox=${`0 0 ${chartW} ${h}`} role="img" aria-label=${`Completion rate per lesson; average ${avg}%.`}
           preserveAspectRatio="xMinYMin meet">
        ${grid.map((g) => {
          const x = labelW + (barMax * g) / 100;
          return html`<g key=${`g${g}`} class="chart-grid">
            <line x1=${x} x2=${x} y1="0" y2=${h - 20} />
            <text x=${x} y=${h - 6} text-anchor="middle">${g}%</text></g>`;
        })}
        ${lessons.map((l, i) => {
          const r = rates[i] || { percent: 0, completed: 0, learners: 0 };
          const y = i * rowH;
          const w = Math.max(0, (barMax * r.percent) / 100);
          return html`<g key=${l.id} class="chart-row" data-testid="chart-bar" data-lesson-id=${l.id}
                         data-percent=${r.percent}>
            <title>${`${l.title}: ${r.completed} of ${r.learners} completed (${r.percent}%)`}</title>
            <text class="chart-label" x=${labelW - 8} y=${y + rowH / 2 + 5} text-anchor="end">${i + 1}</text>
            <rect class="chart-track" x=${labelW} y=${y + 5} width=${barMax} height=${rowH - 10} rx="4" />
            <rect class="chart-bar" x=${labelW} y=${y + 5} width=${w} height=${rowH - 10} rx="4" />
            <text class="chart-pct" x=${chartW - 4} y=${y + rowH / 2 + 5} text-anchor="end">${r.percent}%</text>
          </g>`;
        })}
      </svg>
      <figcaption class="muted small">Share of learners who completed each lesson (numbers match the table's columns).</figcaption>
    </figure>`;
}
