package userimport

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/lyceumhq/lyceum/internal/auth"
	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
	"github.com/lyceumhq/lyceum/internal/store/storetest"
)

const testPassword = "correct horse battery"

type env struct {
	svc    *Service
	auth   *auth.Service
	st     store.Store
	admin  *lms.User
	course *lms.Course // "Biology", id course.ID
	other  *lms.Course // "Chemistry"
}

func newEnv(t *testing.T) *env {
	t.Helper()
	return newEnvWith(t, storetest.SQLite(t))
}

func newEnvWith(t *testing.T, st store.Store) *env {
	t.Helper()
	a, err := auth.New(t.Context(), auth.Params{Store: store.Scope[auth.Store](st), Logger: zerolog.Nop(), Hash: auth.CheapHashParams()})
	noErr(t, err)
	svc, err := New(Params{Store: st, Auth: a, Logger: zerolog.Nop(), PublicURL: "https://lyceum.example.org/"})
	noErr(t, err)
	tok, _, err := a.EnsureSetupToken(t.Context())
	noErr(t, err)
	admin, _, err := a.Setup(t.Context(), tok, auth.NewUser{Email: "admin@example.org", Username: "admin", Name: "Ada",
		Password: testPassword})
	noErr(t, err)
	e := &env{svc: svc, auth: a, st: st, admin: admin}
	e.course = e.newCourse(t, "Biology")
	e.other = e.newCourse(t, "Chemistry")
	return e
}

func (e *env) newCourse(t *testing.T, title string) *lms.Course {
	t.Helper()
	c := &lms.Course{Title: title, Visibility: lms.CoursePublished, CreatedBy: e.admin.ID}
	noErr(t, e.st.CreateCourse(t.Context(), c))
	return c
}

// adminCtx is a context whose caller is the administrator.
func (e *env) adminCtx(t *testing.T) context.Context {
	return lms.WithUser(lms.WithClient(t.Context(), lms.Client{IP: "192.0.2.1"}), e.admin)
}

// run imports text as the administrator.
func (e *env) run(t *testing.T, text string, o Options) *Report {
	t.Helper()
	rep, err := e.svc.Import(e.adminCtx(t), lms.UserFrom(e.adminCtx(t)), strings.NewReader(text), o)
	noErr(t, err)
	return rep
}

// addUser stores an account directly.
func (e *env) addUser(t *testing.T, username, name string) *lms.User {
	t.Helper()
	u := &lms.User{Email: username + "@example.org", Username: username, Name: name, Role: lms.SiteUser,
		PasswordHash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA"}
	noErr(t, e.st.CreateUser(t.Context(), u))
	return u
}

func (e *env) countUsers(t *testing.T) int {
	t.Helper()
	n, err := e.st.CountUsers(t.Context())
	noErr(t, err)
	return n
}

func (e *env) enrolment(t *testing.T, c *lms.Course, login string) *lms.Enrollment {
	t.Helper()
	u, err := e.st.UserByLogin(t.Context(), login)
	noErr(t, err)
	en, err := e.st.EnrollmentOf(t.Context(), c.ID, u.ID)
	if lms.IsCode(err, lms.ENOTFOUND) {
		return nil
	}
	noErr(t, err)
	return en
}

func noErr(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
}

// actions returns "line:action" for every row.
func actions(rep *Report) string {
	var b []string
	for _, r := range rep.Rows {
		b = append(b, fmt.Sprintf("%d:%s", r.Line, r.Action))
	}
	return strings.Join(b, " ")
}

// problems returns "line:field:reason" for every problem.
func problems(rep *Report) []string {
	var out []string
	for _, r := range rep.Rows {
		for _, p := range r.Problems {
			out = append(out, fmt.Sprintf("%d:%s:%s", r.Line, p.Field, p.Reason))
		}
	}
	return out
}

func wantProblem(t *testing.T, rep *Report, line int, field, reasonPart string) {
	t.Helper()
	for _, r := range rep.Rows {
		for _, p := range r.Problems {
			if r.Line == line && p.Field == field && strings.Contains(p.Reason, reasonPart) {
				return
			}
		}
	}
	t.Fatalf("no problem on line %d in %s containing %q; problems: %q", line, field, reasonPart, problems(rep))
}
