package userimport

import (
	"fmt"
	"strings"
	"testing"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store/storetest"
)

func TestImportCreatesAccountsEnrolsAndIssuesLinks(t *testing.T) {
	backends := map[string]func(t *testing.T) *env{
		"sqlite":   newEnv,
		"postgres": func(t *testing.T) *env { return newEnvWith(t, storetest.Postgres(t)) },
	}
	for name, open := range backends {
		t.Run(name, func(t *testing.T) {
			e := open(t)
			text := fmt.Sprintf("email,username,name,password,course,role\n"+
				"lea@example.org,lea,Léa Martin,%[1]s,%[2]d,learner\n"+
				"lea@example.org,lea,,,%[3]d,ta\n"+
				"max@example.org,Max,Max Müller,,%[2]d,\n"+
				"zoe@example.org,zoe,Zoé,,,\n", testPassword, e.course.ID, e.other.ID)
			rep := e.run(t, text, Options{})
			if !rep.Applied || actions(rep) != "2:create 3:enrol 4:create 5:create" || rep.Create != 3 ||
				rep.Enrolments != 3 || rep.Errors != 0 {
				t.Fatalf("report = %+v (%s)", rep, actions(rep))
			}
			t.Run("a given password signs in", func(t *testing.T) {
				_, _, err := e.auth.Login(t.Context(), "lea", testPassword)
				noErr(t, err)
			})
			t.Run("the others get a one-time link to set theirs", func(t *testing.T) {
				var links []string
				for _, r := range rep.Rows {
					if r.SetPasswordURL != "" {
						links = append(links, r.Username)
						tok := strings.TrimPrefix(r.SetPasswordURL, "https://lyceum.example.org/set-password/")
						u, _, err := e.auth.UsePasswordLink(t.Context(), tok, "a brand new password")
						noErr(t, err)
						if u.Username != r.Username || r.UserID != u.ID {
							t.Fatalf("link of %s signed in %s", r.Username, u.Username)
						}
					}
				}
				if strings.Join(links, ",") != "max,zoe" {
					t.Fatalf("links for %v, want max and zoe", links)
				}
			})
			t.Run("enrolments are written with their roles", func(t *testing.T) {
				for _, c := range []struct {
					course *lms.Course
					login  string
					role   lms.CourseRole
				}{{e.course, "lea", lms.CourseLearner}, {e.other, "lea", lms.CourseTA}, {e.course, "max", lms.CourseLearner}} {
					en := e.enrolment(t, c.course, c.login)
					if en == nil || en.Role != c.role || en.Status != lms.EnrollActive {
						t.Errorf("%s in %s: %+v, want %s", c.login, c.course.Title, en, c.role)
					}
				}
				if e.enrolment(t, e.course, "zoe") != nil {
					t.Error("zoe, on a row without a course, was enrolled")
				}
			})
			t.Run("the import is audited", func(t *testing.T) {
				es, err := e.st.ListAudit(t.Context(), lms.AuditFilter{Action: lms.AuditUserImport})
				noErr(t, err)
				if len(es) != 1 || es[0].ActorID != e.admin.ID || es[0].IP != "192.0.2.1" ||
					!strings.Contains(es[0].Detail, "3 new accounts") {
					t.Fatalf("audit: import entries %+v", es)
				}
			})
		})
	}
}

func TestImportReportsProblemsPerRowAndImportsNothing(t *testing.T) {
	e := newEnv(t)
	e.addUser(t, "taken", "Taken Name")
	text := fmt.Sprintf("email,username,name,password,course,role\n"+
		"okay@example.org,okay,Okay,,%[1]d,learner\n"+
		"not-an-email,x,,short,abc,boss\n"+
		"new@example.org,newbie,,,,\n"+
		"other@example.org,taken,Other,,,\n"+
		"\"broken,line\n", e.course.ID)
	rep := e.run(t, text, Options{})
	if rep.Applied || rep.Errors != 4 || rep.Create != 1 || !strings.Contains(rep.Message, "Nothing was imported: 4 rows") {
		t.Fatalf("report = %+v", rep)
	}
	if n := e.countUsers(t); n != 2 {
		t.Fatalf("%d users after a refused import, want 2 (nothing half-imported)", n)
	}
	for _, p := range []struct {
		line         int
		field, words string
	}{
		{3, "email", "not a valid email"},
		{3, "username", "3 to 40"},
		{3, "password", "at least"},
		{3, "course", `"abc" is not a course id`},
		{4, "name", "required for a new account"},
		{5, "username", "another email address"},
		{6, "", "not valid CSV"},
	} {
		wantProblem(t, rep, p.line, p.field, p.words)
	}
	if rep.Rows[1].Email != "not-an-email" {
		t.Errorf("a bad email is shown as %q, want it as written", rep.Rows[1].Email)
	}
}

func TestImportValidOnlySkipsTheBadRows(t *testing.T) {
	e := newEnv(t)
	text := fmt.Sprintf("email,username,name,course\n"+
		"okay@example.org,okay,Okay,%[1]d\n"+
		"bad@example.org,bad,Bad,999\n"+
		"bad@example.org,bad,Bad,%[1]d\n", e.course.ID)
	rep := e.run(t, text, Options{ValidOnly: true})
	if !rep.Applied || actions(rep) != "2:create 3:error 4:error" {
		t.Fatalf("report = %+v (%s)", rep, actions(rep))
	}
	wantProblem(t, rep, 3, "course", "No course has the id 999")
	wantProblem(t, rep, 4, "", "Line 3, which names this account first, has problems")
	if _, err := e.st.UserByLogin(t.Context(), "bad"); !lms.IsCode(err, lms.ENOTFOUND) {
		t.Fatalf("the account of the bad rows was created: %v", err)
	}
	if e.enrolment(t, e.course, "okay") == nil {
		t.Fatal("the valid row was not imported")
	}
}

func TestImportDuplicatesWithinTheFile(t *testing.T) {
	e := newEnv(t)
	text := fmt.Sprintf("email,username,name,password,course\n"+
		"a@example.org,alpha,Alpha,,%[1]d\n"+
		"a@example.org,alpha,,,%[1]d\n"+
		"A@EXAMPLE.ORG,other,Other,,\n"+
		"b@example.org,ALPHA,Beta,,\n"+
		"a@example.org,alpha,Not Alpha,,%[2]d\n"+
		"a@example.org,alpha,,%[3]s,%[2]d\n", e.course.ID, e.other.ID, testPassword)
	rep := e.run(t, text, Options{DryRun: true})
	if actions(rep) != "2:create 3:error 4:error 5:error 6:error 7:error" {
		t.Fatalf("actions %s, problems %q", actions(rep), problems(rep))
	}
	wantProblem(t, rep, 3, "course", "Line 2 already enrols this account in this course")
	wantProblem(t, rep, 4, "username", "Line 2 gives this email address the username alpha")
	wantProblem(t, rep, 5, "email", "Line 2 gives this username the email address a@example.org")
	wantProblem(t, rep, 6, "name", "Line 2 gives this account another name")
	wantProblem(t, rep, 7, "password", "Line 2 gives this account another password")
}

func TestImportExistingAccounts(t *testing.T) {
	e := newEnv(t)
	kim := e.addUser(t, "kim", "Kim Old")
	e.addUser(t, "sam", "Sam")
	e.addUser(t, "lou", "Lou")
	e.addUser(t, "rae", "Rae")
	noLink := &lms.User{Email: "nopw@example.org", Username: "nopw", Name: "No Password", Role: lms.SiteUser}
	noErr(t, e.st.CreateUser(t.Context(), noLink))
	inst := e.addUser(t, "ines", "Ines")
	noErr(t, e.st.PutEnrollment(t.Context(), &lms.Enrollment{CourseID: e.course.ID, UserID: inst.ID,
		Role: lms.CourseInstructor, Status: lms.EnrollActive}))
	text := fmt.Sprintf("email,username,name,password,course,role\n"+
		"kim@example.org,kim,Kim New,%[2]s,%[1]d,learner\n"+
		"sam@example.org,sam,,,,\n"+
		"nopw@example.org,nopw,,,,\n"+
		"ines@example.org,ines,,,%[1]d,learner\n"+
		"lou@example.org,rae,Lou,,,\n", e.course.ID, testPassword)

	t.Run("skip: accounts are kept, enrolments added, conflicts reported", func(t *testing.T) {
		rep := e.run(t, text, Options{DryRun: true})
		if actions(rep) != "2:enrol 3:skip 4:skip 5:error 6:error" {
			t.Fatalf("actions %s, problems %q", actions(rep), problems(rep))
		}
		if r := rep.Rows[0]; r.Account != "keep" || r.Enrolment != "enrol" || r.UserID != kim.ID ||
			!strings.Contains(r.Note, "password is ignored") || !strings.Contains(r.Note, `name "Kim Old" is kept`) {
			t.Fatalf("kim's row = %+v", r)
		}
		wantProblem(t, rep, 5, "role", "Instructors are not demoted")
		wantProblem(t, rep, 6, "username", "belongs to the account lou")
	})
	t.Run("update: names change and password-less accounts get a new link", func(t *testing.T) {
		rep := e.run(t, text, Options{Existing: ExistingUpdate, ValidOnly: true})
		if !rep.Applied || actions(rep) != "2:update 3:skip 4:update 5:error 6:error" {
			t.Fatalf("actions %s, problems %q", actions(rep), problems(rep))
		}
		got, err := e.st.UserByID(t.Context(), kim.ID)
		noErr(t, err)
		if got.Name != "Kim New" || got.PasswordHash != kim.PasswordHash {
			t.Fatalf("kim = %+v: want the new name and the old password", got)
		}
		if rep.Rows[2].SetPasswordURL == "" || rep.Rows[0].SetPasswordURL != "" {
			t.Fatalf("links: %q for nopw, %q for kim", rep.Rows[2].SetPasswordURL, rep.Rows[0].SetPasswordURL)
		}
		if e.enrolment(t, e.course, "kim") == nil {
			t.Fatal("kim was not enrolled")
		}
		if en := e.enrolment(t, e.course, "ines"); en.Role != lms.CourseInstructor {
			t.Fatalf("the instructor became %s", en.Role)
		}
	})
	t.Run("a second run changes nothing", func(t *testing.T) {
		rep := e.run(t, fmt.Sprintf("email,username,name,course\nkim@example.org,kim,Kim New,%d\n", e.course.ID), Options{})
		if rep.Applied || actions(rep) != "2:skip" || !strings.HasPrefix(rep.Message, "Nothing to import") {
			t.Fatalf("report = %+v", rep)
		}
	})
}

func TestImportDryRunWritesNothing(t *testing.T) {
	e := newEnv(t)
	before, err := e.st.ListAudit(t.Context(), lms.AuditFilter{})
	noErr(t, err)
	rep := e.run(t, fmt.Sprintf("email,username,name,course\nnew@example.org,new,New,%d\n", e.course.ID),
		Options{DryRun: true})
	if rep.Applied || !rep.DryRun || actions(rep) != "2:create" || rep.Rows[0].Password != "link" ||
		rep.Rows[0].SetPasswordURL != "" || !strings.HasPrefix(rep.Message, "Preview: 1 new account, 1 enrolment") {
		t.Fatalf("report = %+v", rep)
	}
	after, err := e.st.ListAudit(t.Context(), lms.AuditFilter{})
	noErr(t, err)
	if n := e.countUsers(t); n != 1 || len(after) != len(before) {
		t.Fatalf("a dry run left %d users and %d new audit entries", n, len(after)-len(before))
	}
}

func TestImportRefusesWholeFiles(t *testing.T) {
	e := newEnv(t)
	for name, c := range map[string]struct{ text, code, words string }{
		"empty":           {"", lms.EINVALID, "empty"},
		"missing column":  {"email,username\na@example.org,a\n", lms.EINVALID, "missing: name"},
		"unknown column":  {"email,username,name,pasword\n", lms.EINVALID, `Unknown column "pasword"`},
		"too large":       {"email,username,name\n" + strings.Repeat("a", MaxFileBytes), lms.ETOOLARGE, "8 MiB"},
		"bad existing":    {"email,username,name\n", lms.EINVALID, "skipped or updated"},
		"not an admin":    {"email,username,name\n", lms.EFORBIDDEN, "administrators"},
		"anonymous users": {"email,username,name\n", lms.EUNAUTHORIZED, "sign in"},
	} {
		t.Run(name, func(t *testing.T) {
			ctx, o := e.adminCtx(t), Options{}
			switch name {
			case "bad existing":
				o.Existing = "replace"
			case "not an admin":
				ctx = lms.WithUser(t.Context(), e.addUser(t, "learner", "Learner"))
			case "anonymous users":
				ctx = t.Context()
			}
			_, err := e.svc.Import(ctx, lms.UserFrom(ctx), strings.NewReader(c.text), o)
			if lms.ErrorCode(err) != c.code || !strings.Contains(lms.ErrorMessage(err), c.words) {
				t.Fatalf("error = %v, want %s with %q", err, c.code, c.words)
			}
		})
	}
}

func TestImportTenThousandRowsReportsProgress(t *testing.T) {
	e := newEnv(t)
	var b strings.Builder
	b.WriteString("email,username,name,password,course\n")
	const rows = 10000
	for i := range rows {
		pw, course := "", ""
		if i%100 == 0 {
			pw = testPassword // some passwords to hash, most get links
		}
		if i%2 == 0 {
			course = fmt.Sprint(e.course.ID)
		}
		fmt.Fprintf(&b, "user%05d@example.org,user%05d,User %d,%s,%s\n", i, i, i, pw, course)
	}
	last := map[string]Progress{}
	calls := 0
	rep := e.run(t, b.String(), Options{Progress: func(p Progress) {
		calls++
		if prev, ok := last[p.Stage]; ok && p.Done < prev.Done {
			t.Errorf("progress of %s went back from %d to %d", p.Stage, prev.Done, p.Done)
		}
		last[p.Stage] = p
	}})
	if !rep.Applied || rep.Create != rows || rep.Enrolments != rows/2 {
		t.Fatalf("report: applied %v, %d created, %d enrolments", rep.Applied, rep.Create, rep.Enrolments)
	}
	for stage, total := range map[string]int{StageCheck: rows, StageHash: rows / 100, StageSave: rows} {
		if p := last[stage]; p.Done != total || p.Total != total {
			t.Errorf("last %s progress %+v, want %d of %d", stage, p, total, total)
		}
	}
	if calls < 3 || calls > 3*(progressSteps+1) {
		t.Errorf("%d progress calls: want a few per stage, not one per row", calls)
	}
	if n := e.countUsers(t); n != rows+1 {
		t.Fatalf("%d users, want %d", n, rows+1)
	}
}
