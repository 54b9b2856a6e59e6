package api

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/mail"
	"github.com/lyceumhq/lyceum/internal/store"
)

// testSecret signs the unsubscribe links of the test API.
var testSecret = bytes.Repeat([]byte("k"), mail.MinSecretLen)

// testMail returns the unsubscribe links and the email admin service of
// the test API (email on, over a server that is never dialled).
func testMail(t testing.TB, st store.Store) (*mail.Links, *mail.Admin) {
	t.Helper()
	l, err := mail.NewLinks(testSecret, "https://lyceum.example", nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg := mail.Config{Host: "smtp.school.example", From: "Lyceum <lyceum@school.example>", User: "lyceum",
		Password: "hunter22"}
	return l, mail.NewAdmin(cfg, store.Scope[mail.AdminStore](st), nil)
}

// oneClick POSTs the RFC 8058 one-click body to the unsubscribe route
// with token.
func oneClick(t *testing.T, e *cenv, token string) resp {
	t.Helper()
	return e.raw(t, anon, "POST", Prefix+"/unsubscribe?t="+url.QueryEscape(token),
		"application/x-www-form-urlencoded", []byte("List-Unsubscribe=One-Click"))
}

func TestUnsubscribeLinkTurnsOneKindOffAndUndoSetsItBack(t *testing.T) {
	e := newCourseEnv(t)
	lin := userNamed(t, e, "lin")
	links, _ := testMail(t, e.st)
	r := oneClick(t, e, links.Token(lin.ID, lms.NotifyGrade))
	if r.Code != http.StatusOK || !strings.Contains(string(r.Body), `"changed":{"grade":"now"}`) {
		t.Fatalf("one-click: %d %s", r.Code, r.Body)
	}
	st, err := e.st.GetNotifySettings(t.Context(), lin.ID)
	if err != nil || st.Pref(lms.NotifyGrade).Email != lms.EmailOff || st.Pref(lms.NotifyMention).Email != lms.EmailNow {
		t.Fatalf("after the click: %+v %v; want grades off, mentions as they were", st.Kinds, err)
	}
	undo := e.raw(t, anon, "PATCH", Prefix+"/unsubscribe?t="+url.QueryEscape(links.Token(lin.ID, lms.NotifyGrade)),
		"application/json", []byte(`{"kinds":{"grade":"now"}}`))
	undo.want(t, http.StatusOK)
	if st, _ := e.st.GetNotifySettings(t.Context(), lin.ID); st.Pref(lms.NotifyGrade).Email != lms.EmailNow {
		t.Fatalf("after undo grades are %q", st.Pref(lms.NotifyGrade).Email)
	}
	other := e.raw(t, anon, "PATCH", Prefix+"/unsubscribe?t="+url.QueryEscape(links.Token(lin.ID, lms.NotifyGrade)),
		"application/json", []byte(`{"kinds":{"mention":"off"}}`))
	other.want(t, http.StatusBadRequest)
}

func TestUnsubscribeRefusesAForgedToken(t *testing.T) {
	e := newCourseEnv(t)
	lin := userNamed(t, e, "lin")
	forger, err := mail.NewLinks(bytes.Repeat([]byte("x"), mail.MinSecretLen), "https://lyceum.example", nil)
	if err != nil {
		t.Fatal(err)
	}
	links, _ := testMail(t, e.st)
	good := links.Token(lin.ID, lms.NotifyGrade)
	p64, mac, _ := strings.Cut(good, ".")
	other, _, _ := strings.Cut(links.Token(lin.ID+1, lms.NotifyGrade), ".")
	for name, tok := range map[string]string{"another secret": forger.Token(lin.ID, lms.NotifyGrade),
		"another person's payload": other + "." + mac, "a cut MAC": p64 + "." + mac[:10], "none": ""} {
		r := oneClick(t, e, tok)
		if r.Code != http.StatusBadRequest || !strings.Contains(string(r.Body), "not valid") {
			t.Errorf("%s: %d %s, want 400 invalid", name, r.Code, r.Body)
		}
	}
	if st, _ := e.st.GetNotifySettings(t.Context(), lin.ID); len(st.Kinds) != 0 {
		t.Fatalf("a refused token changed the settings: %+v", st.Kinds)
	}
}

func TestEmailAdminRoutesShowTheServerWithoutThePassword(t *testing.T) {
	e := newCourseEnv(t)
	admin := e.setup(t)
	user := e.addUser(t, admin, "lin")
	r := e.do(t, admin, "GET", Prefix+"/admin/email", nil).want(t, http.StatusOK)
	if b := string(r.Body); !strings.Contains(b, `"host":"smtp.school.example"`) || strings.Contains(b, "hunter22") {
		t.Fatalf("status: %s", b)
	}
	e.do(t, user, "GET", Prefix+"/admin/email/failed", nil).want(t, http.StatusForbidden)
	e.do(t, admin, "POST", Prefix+"/admin/email/failed/99/retry", nil).want(t, http.StatusNotFound)
}

// userNamed adds a user and returns it.
func userNamed(t *testing.T, e *cenv, username string) *lms.User {
	t.Helper()
	e.addUser(t, e.setup(t), username)
	u, err := e.st.UserByLogin(t.Context(), username)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
