// The calendar's three views over one list of items: agenda (a list by
// day, the default on phones), week (seven day columns, stacked on
// phones) and month (a 6-week grid). Days and times are the browser's.
import { html } from "../html.js";
import { when } from "../format.js";

/** Date arithmetic in the browser's zone. */
export const startOfDay = (d) => new Date(d.getFullYear(), d.getMonth(), d.getDate());
export const addDays = (d, n) => new Date(d.getFullYear(), d.getMonth(), d.getDate() + n);
/** startOfWeek is the Monday on or before d. */
export const startOfWeek = (d) => addDays(startOfDay(d), -((d.getDay() + 6) % 7));
export const startOfMonth = (d) => new Date(d.getFullYear(), d.getMonth(), 1);
const pad = (n) => String(n).padStart(2, "0");
/** dayKey is "2026-03-14" for d's local day. */
export const dayKey = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
/** parseDay reads a dayKey back (invalid: null). */
export function parseDay(s) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s || "");
  if (!m) return null;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return Number.isNaN(d.getTime()) ? null : d;
}

/** viewRange is the [from, to) a view shows around anchor. */
export function viewRange(view, anchor) {
  if (view === "month") {
    const from = startOfWeek(startOfMonth(anchor));
    return { from, to: addDays(from, 42) };
  }
  if (view === "week") {
    const from = startOfWeek(anchor);
    return { from, to: addDays(from, 7) };
  }
  const from = startOfDay(anchor);
  return { from, to: addDays(from, 30) };
}

/** step moves the anchor one view back (-1) or on (+1). */
export function step(view, anchor, dir) {
  if (view === "month") return new Date(anchor.getFullYear(), anchor.getMonth() + dir, 1);
  return addDays(anchor, dir * (view === "week" ? 7 : 30));
}

/** byDay groups items under each local day they touch within [from, to). */
export function byDay(items, from, to) {
  const days = new Map();
  for (const it of items) {
    const start = when(it.starts_at);
    if (!start) continue;
    const end = when(it.ends_at) || start;
    let d = startOfDay(start < from ? from : start);
    // An event that ends at midnight does not touch the next day.
    const last = new Date(end.getTime() - (end > start ? 1 : 0));
    for (let i = 0; d <= last && d < to && i < 42; i++, d = addDays(d, 1)) {
      const k = dayKey(d);
      if (!days.has(k)) days.set(k, []);
      days.get(k).push(it);
    }
  }
  return days;
}

export const kindLabels = {
  lesson_release: "Lesson released", quiz_opens: "Quiz opens", quiz_closes: "Quiz closes",
  assignment_due: "Due", assignment_cutoff: "Last day for late work", event: "Event", live_session: "Live session",
};

const timeOf = (iso) => when(iso).toLocaleTimeString(undefined, { hour: "numeric", minute: "2-digit" });

/** Item is one dated thing: its time, kind and title, linking to it. */
export function Item({ it, compact, selected }) {
  const cls = `cal-item cal-kind-${it.kind}${selected ? " cal-item-selected" : ""}`;
  return html`
    <a class=${cls} href=${it.link} data-testid="cal-item" data-kind=${it.kind} data-uid=${it.uid}
       title=${`${kindLabels[it.kind] || "Event"}: ${it.title} · ${it.course_title}`}>
      <span class="cal-time">${timeOf(it.starts_at)}</span>
      <span class="cal-kind">${kindLabels[it.kind] || "Event"}${it.overridden ? " (your date)" : ""}</span>
      <span class="cal-title">${it.title}</span>
      ${!compact && html`<span class="cal-course muted small">${it.course_title}</span>`}
    </a>`;
}

const dayTitle = (d) => d.toLocaleDateString(undefined, { weekday: "long", day: "numeric", month: "long" });

export function Agenda({ items, range, selected }) {
  const days = byDay(items, range.from, range.to);
  const keys = [...days.keys()].sort();
  if (!keys.length) return null;
  const today = dayKey(new Date());
  return html`
    <ol class="cal-agenda" data-testid="cal-agenda">
      ${keys.map((k) => html`
        <li key=${k} class=${k === today ? "cal-agenda-day cal-today" : "cal-agenda-day"} data-day=${k}>
          <h3 class="cal-day-title">${dayTitle(parseDay(k))}${k === today && html` <span class="badge badge-accent">Today</span>`}</h3>
          <ul class="cal-items">
            ${days.get(k).map((it) => html`<li key=${it.uid}><${Item} it=${it} selected=${selected === it.uid} /></li>`)}
          </ul>
        </li>`)}
    </ol>`;
}

const weekdayNames = (from) => Array.from({ length: 7 }, (_, i) =>
  addDays(from, i).toLocaleDateString(undefined, { weekday: "short" }));

export function Week({ items, range, selected }) {
  const days = byDay(items, range.from, range.to);
  const today = dayKey(new Date());
  return html`
    <div class="cal-week" data-testid="cal-week">
      ${Array.from({ length: 7 }, (_, i) => {
        const d = addDays(range.from, i);
        const k = dayKey(d);
        const list = days.get(k) || [];
        return html`
          <section key=${k} class=${k === today ? "cal-week-day cal-today" : "cal-week-day"} data-day=${k}
                   aria-label=${dayTitle(d)}>
            <h3 class="cal-day-title">${d.toLocaleDateString(undefined, { weekday: "short", day: "numeric", month: "short" })}</h3>
            ${list.length
              ? html`<ul class="cal-items">${list.map((it) => html`<li key=${it.uid}><${Item} it=${it} compact selected=${selected === it.uid} /></li>`)}</ul>`
              : html`<p class="muted small cal-none">Nothing</p>`}
          </section>`;
      })}
    </div>`;
}

const monthCellMax = 3; // items shown in a month cell before "+n more"

export function Month({ items, range, anchor, selected, onDay }) {
  const days = byDay(items, range.from, range.to);
  const today = dayKey(new Date());
  return html`
    <div class="cal-month" data-testid="cal-month" role="grid" aria-label=${anchor.toLocaleDateString(undefined, { month: "long", year: "numeric" })}>
      <div class="cal-month-head" role="row">
        ${weekdayNames(range.from).map((n) => html`<div key=${n} class="cal-month-dow" role="columnheader">${n}</div>`)}
      </div>
      ${Array.from({ length: 6 }, (_, w) => html`
        <div key=${w} class="cal-month-row" role="row">
          ${Array.from({ length: 7 }, (_, i) => {
            const d = addDays(range.from, w * 7 + i);
            const k = dayKey(d);
            const list = days.get(k) || [];
            const cls = ["cal-month-cell", d.getMonth() !== anchor.getMonth() && "cal-other-month", k === today && "cal-today"]
              .filter(Boolean).join(" ");
            return html`
              <div key=${k} class=${cls} role="gridcell" data-day=${k}>
                <button type="button" class="cal-month-date link-button" onClick=${() => onDay(d)}
                        aria-label=${`${dayTitle(d)}: ${list.length} ${list.length === 1 ? "item" : "items"}; show the week`}>
                  ${d.getDate()}</button>
                ${list.slice(0, monthCellMax).map((it) => html`<${Item} key=${it.uid} it=${it} compact selected=${selected === it.uid} />`)}
                ${list.length > monthCellMax && html`
                  <button type="button" class="link-button small cal-more" onClick=${() => onDay(d)}>
                    +${list.length - monthCellMax} more</button>`}
              </div>`;
          })}
        </div>`)}
    </div>`;
}
