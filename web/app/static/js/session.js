// The app-wide state pages read: the site (name, sign-up policy, setup
// needed) and the signed-in user. Provided by main.js.
import { createContext, useContext } from "./html.js";
import { post } from "./api.js";
import { navigate } from "./router.js";
import { toast } from "./toast.js";

/** AppContext value: {site, setSite, reloadSite, me, setMe}. */
export const AppContext = createContext(null);

export function useApp() {
  return useContext(AppContext);
}

export const isAdmin = (me) => !!me && me.role === "admin";

/** signOut ends the session on the server and goes to the sign-in page. */
export async function signOut(setMe) {
  try {
    await post("/auth/logout");
  } catch {
    // The cookie may already be gone; the user is signed out either way.
  }
  setMe(null);
  navigate("/login", { replace: true });
  toast("You're signed out.", "info");
}
