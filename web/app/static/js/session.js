// The app-wide state pages read: the site (name, sign-up policy, setup
// needed) and the signed-in user. Provided by main.js.
import { createContext, useContext } from "./html.js";
import { post } from "./api.js";
import { navigate } from "./router.js";
import { toast } from "./toast.js";
import { createStore } from "./store.js";
import { live } from "./live.js";

/** AppContext value: {site, setSite, reloadSite, me, setMe}. */
export const AppContext = createContext(null);

export function useApp() {
  return useContext(AppContext);
}

/**
 * signInNotice is a message the sign-in page shows once (why someone was
 * signed out); the page clears it when they sign in again.
 */
export const signInNotice = createStore("");

/** revokedNotice explains a sign-out that happened elsewhere. */
export const revokedNotice =
  "You were signed out (your session was ended on another device or by an administrator).";

/** sessionEnded clears the signed-in state after the session ended elsewhere. */
export function sessionEnded(setMe, notice = revokedNotice) {
  live.stop();
  signInNotice.set(notice);
  setMe(null);
  navigate("/login", { replace: true });
}

export const isAdmin = (me) => !!me && me.role === "admin";

/** signOut ends the session on the server and goes to the sign-in page. */
export async function signOut(setMe) {
  live.stop(); // first: the server closes this page's socket as "revoked" (4001)
  try {
    await post("/auth/logout");
  } catch {
    // The cookie may already be gone; the user is signed out either way.
  }
  signInNotice.set("");
  setMe(null);
  navigate("/login", { replace: true });
  toast("You're signed out.", "info");
}
