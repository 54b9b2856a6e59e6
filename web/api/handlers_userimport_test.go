package api

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
	"github.com/lyceumhq/lyceum/internal/userimport"
)

// withUserImport mounts the user import.
func withUserImport(t testing.TB) envOption {
	return func(p *Params, st store.Store) {
		svc, err := userimport.New(userimport.Params{Store: st, Auth: p.Auth, Logger: zerolog.Nop(),
			PublicURL: p.PublicURL})
		if err != nil {
			t.Fatal(err)
		}
		p.UserImport = svc
	}
}

const importPath = "/api/v1/admin/users/import"

func csvRequest(text string) (string, []string) {
	return text, []string{"Content-Type", "text/csv"}
}

func TestUserImportAPI(t *testing.T) {
	e := newEnv(t, withUserImport(t))
	admin := e.setup(t)
	learner := e.addUser(t, admin, "learner")
	c := &lms.Course{Title: "Biology", Visibility: lms.CoursePublished}
	if err := e.st.CreateCourse(t.Context(), c); err != nil {
		t.Fatal(err)
	}
	text := fmt.Sprintf("email,username,name,course,role\n"+
		"lea@example.org,lea,Léa,%[1]d,learner\n"+
		"bad,x,,%[1]d,boss\n", c.ID)

	t.Run("only administrators may import", func(t *testing.T) {
		body, hdr := csvRequest(text)
		e.do(t, anon, "POST", importPath+"?dry_run=1", body, hdr...).want(t, http.StatusUnauthorized)
		e.do(t, learner, "POST", importPath+"?dry_run=1", body, hdr...).want(t, http.StatusForbidden)
	})
	t.Run("a preview shows every row and writes nothing", func(t *testing.T) {
		body, hdr := csvRequest(text)
		var rep userimport.Report
		e.do(t, admin, "POST", importPath+"?dry_run=1", body, hdr...).want(t, 200).json(t, &rep)
		if rep.Applied || !rep.DryRun || len(rep.Rows) != 2 || rep.Rows[0].Action != "create" ||
			rep.Rows[1].Action != "error" || len(rep.Rows[1].Problems) < 3 || rep.Rows[1].Line != 3 {
			t.Fatalf("preview = %+v", rep)
		}
		if n := e.countUsers(t); n != 2 {
			t.Fatalf("%d users after a preview", n)
		}
	})
	t.Run("with a bad row nothing is imported", func(t *testing.T) {
		body, hdr := csvRequest(text)
		var rep userimport.Report
		e.do(t, admin, "POST", importPath, body, hdr...).want(t, 200).json(t, &rep)
		if rep.Applied || !strings.HasPrefix(rep.Message, "Nothing was imported") || e.countUsers(t) != 2 {
			t.Fatalf("report = %+v with %d users", rep, e.countUsers(t))
		}
	})
	var link string
	t.Run("the valid rows of a multipart upload are imported", func(t *testing.T) {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		fw, _ := mw.CreateFormFile("file", "users.csv")
		fw.Write([]byte(text))
		mw.Close()
		var rep userimport.Report
		e.do(t, admin, "POST", importPath+"?valid_only=1", buf.Bytes(), "Content-Type", mw.FormDataContentType()).
			want(t, 200).json(t, &rep)
		if !rep.Applied || rep.Create != 1 || rep.Errors != 1 || rep.Enrolments != 1 {
			t.Fatalf("report = %+v", rep)
		}
		link = rep.Rows[0].SetPasswordURL
		if !strings.HasPrefix(link, testPublicURL+"/set-password/") {
			t.Fatalf("set-password link %q, want one under %s", link, testPublicURL)
		}
	})
	token := strings.TrimPrefix(link, testPublicURL+"/set-password/")
	t.Run("the link names the account", func(t *testing.T) {
		var info PasswordLinkInfo
		e.do(t, anon, "GET", "/api/v1/password-links/"+token, nil).want(t, 200).json(t, &info)
		if info.Username != "lea" || info.Name != "Léa" || info.ExpiresAt.IsZero() {
			t.Fatalf("info = %+v", info)
		}
	})
	t.Run("setting the password signs in once", func(t *testing.T) {
		e.do(t, anon, "POST", "/api/v1/password-links/"+token, SetPasswordRequest{Password: "short"}).want(t, 400)
		r := e.do(t, anon, "POST", "/api/v1/password-links/"+token, SetPasswordRequest{Password: testPassword}).want(t, 200)
		r.sessionCookie(t)
		e.do(t, anon, "POST", "/api/v1/password-links/"+token, SetPasswordRequest{Password: testPassword}).want(t, 404)
		e.do(t, anon, "GET", "/api/v1/password-links/"+token, nil).want(t, 404)
		e.login(t, "lea")
	})
	t.Run("the import is in the audit log", func(t *testing.T) {
		var list AuditList
		e.do(t, admin, "GET", "/api/v1/admin/audit?action=user.import", nil).want(t, 200).json(t, &list)
		if len(list.Items) != 1 {
			t.Fatalf("user.import entries = %d, want 1 (previews and refused imports write none)", len(list.Items))
		}
	})
	t.Run("bad requests are refused whole", func(t *testing.T) {
		e.do(t, admin, "POST", importPath, `{"email":"x"}`).want(t, http.StatusUnsupportedMediaType)
		big := "email,username,name\n" + strings.Repeat("a", userimport.MaxFileBytes+100<<10)
		e.do(t, admin, "POST", importPath, big, "Content-Type", "text/csv").want(t, http.StatusRequestEntityTooLarge)
		e.do(t, admin, "POST", importPath, "nope\n", "Content-Type", "text/csv").want(t, 400).problem(t)
		e.do(t, admin, "POST", importPath+"?existing=replace", "email,username,name\n", "Content-Type", "text/csv").
			want(t, 400).problem(t)
	})
}
