// A few line icons as inline SVG (no icon font, no emoji: they depend on
// the system's fonts). Decorative: always aria-hidden.
import { html } from "./html.js";

const paths = {
  book: "M4 5.5A2.5 2.5 0 0 1 6.5 3H20v15H6.5A2.5 2.5 0 0 0 4 20.5v-15ZM4 20.5A2.5 2.5 0 0 0 6.5 23H20v-5M8 7h8",
  mail: "M3 6h18v12H3V6Zm0 0 9 7 9-7",
  check: "M20 6 9 17l-5-5",
  inbox: "M3 13h5l2 3h4l2-3h5M5 5h14l2 8v6H3v-6l2-8Z",
  search: "M11 4a7 7 0 1 1 0 14 7 7 0 0 1 0-14Zm10 17-5-5",
  alert: "M12 3 2 21h20L12 3Zm0 7v5m0 3v.5",
  lock: "M6 11h12v10H6V11Zm2 0V8a4 4 0 0 1 8 0v3",
  calendar: "M4 6h16v15H4V6Zm0 5h16M8 3v5m8-5v5",
};

export function Icon({ name, size = 24 }) {
  return html`
    <svg class="icon" width=${size} height=${size} viewBox="0 0 24 24" fill="none" stroke="currentColor"
         stroke-width="1.75" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false">
      <path d=${paths[name] || paths.inbox} />
    </svg>`;
}
