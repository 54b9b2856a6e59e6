package mail

import (
	"encoding/json"
	"fmt"
	"html"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// NotificationMessage is the email of notification n (payload p, which
// holds its "link") to u: the one-line text, a link to it in the app, and
// the links to unsubscribe from its kind and to the settings page; the
// List-Unsubscribe headers name the one-click URL.
func NotificationMessage(l *Links, u *lms.User, n *lms.Notification, p map[string]any) Message {
	text := lms.NotificationText(n.Kind, p)
	link, _ := p["link"].(string)
	unsub, prefs := l.PageURL(u.ID, n.Kind), l.SettingsURL()
	label := "this kind of notification"
	if k, ok := lms.NotifyKindByName(n.Kind); ok {
		label = "“" + k.Label + "”"
	}
	return Message{To: u.Email, Subject: text, Unsubscribe: l.OneClickURL(u.ID, n.Kind),
		Text: fmt.Sprintf("%s\n\n%s%s\n\n--\nStop emails about %s: %s\nChoose what you are emailed about: %s\n",
			text, l.publicURL, link, label, unsub, prefs),
		HTML: fmt.Sprintf(`<p>%s</p><p><a href="%s">Open it in Lyceum</a></p>%s`, html.EscapeString(text),
			html.EscapeString(l.publicURL+link), footerHTML("Stop emails about "+label, unsub, prefs))}
}

// footerHTML is the unsubscribe footer of an HTML body: stop (the text of
// the unsubscribe link) and the settings link.
func footerHTML(stop, unsub, prefs string) string {
	return fmt.Sprintf(`<p style="color:#666;font-size:small">`+
		`<a href="%s">%s</a> · <a href="%s">Choose what you are emailed about</a></p>`,
		html.EscapeString(unsub), html.EscapeString(stop), html.EscapeString(prefs))
}

// payloadOf decodes a stored notification's payload ({} when unreadable).
func payloadOf(n *lms.Notification) map[string]any {
	p := map[string]any{}
	_ = json.Unmarshal([]byte(n.Payload), &p)
	return p
}
