// PinJoinForm: join a live quiz as a guest with its 6-digit PIN and a
// nickname (on /join). The guest token is kept in localStorage so a reload
// resumes the game (/quiz).
import { html, useState } from "../html.js";
import { navigate } from "../router.js";
import { useAction, Field, FormError, Submit } from "../forms.js";
import { guestJoin, guestKey } from "./livequiz-api.js";

/** PinJoinForm asks for the PIN and a nickname, then opens /quiz. */
export function PinJoinForm() {
  const { pending, error, run } = useAction();
  const [pin, setPin] = useState("");
  const [nick, setNick] = useState("");
  async function onSubmit(e) {
    e.preventDefault();
    const res = await run(() => guestJoin(pin.replace(/\D/g, ""), nick.trim()));
    if (!res) return;
    localStorage.setItem(guestKey, JSON.stringify({ token: res.token, game_id: res.me.state.game_id, player_id: res.me.player.id }));
    navigate("/quiz");
  }
  return html`<form class="form" onSubmit=${onSubmit} data-testid="quiz-pin-form">
    <${FormError} error=${error} fields=${["pin", "nickname"]} />
    <${Field} id="quiz-pin" name="pin" label="Game PIN" required inputmode="numeric" autocomplete="off" maxlength="7"
        pattern="[0-9 ]{6,7}" value=${pin} onInput=${(e) => setPin(e.currentTarget.value)} error=${error} class="input-code" />
    <${Field} id="quiz-nickname" name="nickname" label="Nickname" required maxlength="20" autocomplete="nickname"
        hint="1 to 20 characters; others in the game see it." value=${nick} onInput=${(e) => setNick(e.currentTarget.value)} error=${error} />
    <${Submit} pending=${pending} pendingLabel="Joining…" testid="quiz-pin-submit">Join the game<//>
  </form>`;
}
