// The view for pages the signed-in person may not open (admin pages).
import { html } from "../html.js";
import { useApp } from "../session.js";
import { useTitle, PageTitle } from "../ui.js";

export default function ForbiddenPage() {
  const { site } = useApp();
  useTitle("Not allowed", site);
  return html`
    <div class="page narrow" data-testid="forbidden">
      <${PageTitle}>You don't have access to this page<//>
      <p>Only administrators of ${site.site_name} can open it. If you need access, ask an administrator.</p>
      <p><a class="btn btn-primary" href="/">Go to my courses</a></p>
    </div>`;
}
