package api

import (
	"net/http"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/mail"
)

// mailRoutes lists the email routes (docs/api.md, section Email): the
// unsubscribe link of every notification email (public: its signed token
// is the credential) and the administrators' email page.
func (a *API) mailRoutes() []route {
	p := Prefix
	var rs []route
	token := []queryParam{{"t", "string", "the token of the email's unsubscribe link"}}
	if a.unsub != nil && a.courses != nil {
		rs = append(rs,
			route{Method: "POST", Path: p + "/unsubscribe", Auth: authPublic,
				Summary: "Stop the emails an unsubscribe link names (RFC 8058 one-click; the app's /unsubscribe page)",
				Resp:    Unsubscribed{}, Status: 200, Handler: a.postUnsubscribe, Query: token},
			route{Method: "PATCH", Path: p + "/unsubscribe", Auth: authPublic,
				Summary: "Undo an unsubscribe: set back the email modes it changed",
				Req:     UnsubscribeUndo{}, Resp: Unsubscribed{}, Status: 200, Handler: a.patchUnsubscribe, Query: token})
	}
	if a.mail != nil {
		rs = append(rs,
			route{Method: "GET", Path: p + "/admin/email", Summary: "Whether email is on, and its SMTP server (no password)",
				Auth: authAdmin, Resp: mail.Status{}, Status: 200, Handler: a.getEmailStatus},
			route{Method: "GET", Path: p + "/admin/email/failed", Summary: "Emails that could not be sent, latest failure first",
				Auth: authAdmin, Resp: FailedEmailList{}, Status: 200, Handler: a.getFailedEmails, Query: pageParams},
			route{Method: "POST", Path: p + "/admin/email/failed/{id}/retry", Summary: "Send a failed email again now",
				Auth: authAdmin, Resp: mail.FailedEmail{}, Status: 200, Handler: a.postEmailRetry})
	}
	return rs
}

// Unsubscribed says what an unsubscribe link turned off.
type Unsubscribed struct {
	// Kind is the kind of notification, or "digest" (every kind emailed in
	// the daily digest).
	Kind  string `json:"kind"`
	Label string `json:"label"`
	// Changed holds the email modes the link changed, as they were before
	// (what PATCH sets back); empty when they were off already.
	Changed map[string]lms.EmailMode `json:"changed"`
}

// UnsubscribeUndo sets back email modes an unsubscribe changed.
type UnsubscribeUndo struct {
	Kinds map[string]lms.EmailMode `json:"kinds,omitempty"`
}

// FailedEmailList is a page of failed emails.
type FailedEmailList struct {
	Items      []mail.FailedEmail `json:"items"`
	NextCursor string             `json:"next_cursor,omitempty"`
}

// unsubscription checks the request's ?t= token.
func (a *API) unsubscription(r *http.Request) (mail.Unsubscription, error) {
	return a.unsub.Check(r.URL.Query().Get("t"))
}

// unsubscribedLabel is what the app calls kind.
func unsubscribedLabel(kind string) string {
	if k, ok := lms.NotifyKindByName(kind); ok {
		return k.Label
	}
	return "The daily digest"
}

func (a *API) postUnsubscribe(w http.ResponseWriter, r *http.Request) error {
	u, err := a.unsubscription(r)
	if err != nil {
		return err
	}
	changed, err := a.courses.Notifications.UnsubscribeEmail(r.Context(), u.UserID, u.Kind)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, Unsubscribed{Kind: u.Kind, Label: unsubscribedLabel(u.Kind), Changed: changed})
}

func (a *API) patchUnsubscribe(w http.ResponseWriter, r *http.Request) error {
	u, err := a.unsubscription(r)
	if err != nil {
		return err
	}
	var in UnsubscribeUndo
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := a.courses.Notifications.UndoUnsubscribe(r.Context(), u.UserID, u.Kind, in.Kinds); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, Unsubscribed{Kind: u.Kind, Label: unsubscribedLabel(u.Kind),
		Changed: map[string]lms.EmailMode{}})
}

func (a *API) getEmailStatus(w http.ResponseWriter, r *http.Request) error {
	st, err := a.mail.Status(caller(r))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, st)
}

func (a *API) getFailedEmails(w http.ResponseWriter, r *http.Request) error {
	p, err := listPage(r)
	if err != nil {
		return err
	}
	list, err := a.mail.FailedEmails(r.Context(), caller(r), withNext(p))
	if err != nil {
		return err
	}
	items, next := cutPage(p, list)
	return writeJSON(w, http.StatusOK, FailedEmailList{Items: items, NextCursor: next})
}

func (a *API) postEmailRetry(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f, err := a.mail.Retry(r.Context(), caller(r), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, f)
}
