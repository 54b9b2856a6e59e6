// The view for unknown paths.
import { html } from "../html.js";
import { useApp } from "../session.js";
import { useTitle, PageTitle } from "../ui.js";

export default function NotFoundPage() {
  const { site, me } = useApp();
  useTitle("Page not found", site);
  return html`
    <div class="page narrow" data-testid="not-found">
      <${PageTitle}>Page not found<//>
      <p>There's nothing at <code>${location.pathname}</code>. The link may be mistyped or out of date.</p>
      <p><a class="btn btn-primary" href="/">${me ? "Go to my courses" : "Go to the start page"}</a></p>
    </div>`;
}
