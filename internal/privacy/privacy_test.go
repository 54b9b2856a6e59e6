package privacy

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
	"github.com/lyceumhq/lyceum/internal/store/storetest"
	"github.com/lyceumhq/lyceum/internal/testenv"
)

var t0 = time.Date(2026, 3, 14, 9, 0, 0, 0, time.UTC)

// memFiles holds upload contents by id.
type memFiles map[int64]string

func (m memFiles) Open(_ context.Context, u *lms.Upload) (io.ReadCloser, error) {
	s, ok := m[u.ID]
	if !ok {
		return nil, fmt.Errorf("upload %d: no content", u.ID)
	}
	return io.NopCloser(strings.NewReader(s)), nil
}

func backends(t *testing.T, fn func(t *testing.T, st store.Store)) {
	t.Run("sqlite", func(t *testing.T) { t.Parallel(); fn(t, storetest.SQLite(t)) })
	t.Run("postgres", func(t *testing.T) { t.Parallel(); fn(t, storetest.Postgres(t)) })
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// world is a course where two learners, amira and bruno, each left every
// kind of data behind; secret[name] are strings only that person's data
// holds.
type world struct {
	st     store.Store
	svc    *Service
	files  memFiles
	users  map[string]*lms.User
	secret map[string][]string
	posts  map[string]int64
	item   *lms.GradeItem
	// announcements are the teacher's: one posted for a group, one
	// scheduled for the whole course.
	announcements []*lms.CourseAnnouncement
}

func newWorld(t *testing.T, st store.Store) *world {
	t.Helper()
	ctx := t.Context()
	w := &world{st: st, files: memFiles{}, users: map[string]*lms.User{}, secret: map[string][]string{},
		posts: map[string]int64{}}
	for _, n := range []string{"amira", "bruno", "teacher", "admin"} {
		role := lms.SiteUser
		if n == "admin" {
			role = lms.SiteAdmin
		}
		u := &lms.User{Email: n + "@mail.example", Username: n, Name: "Full " + n, Role: role}
		must(t, st.CreateUser(ctx, u))
		w.users[n] = u
	}
	c := &lms.Course{Title: "Chemistry", Visibility: lms.CoursePublished}
	must(t, st.CreateCourse(ctx, c))
	m := &lms.Module{CourseID: c.ID, Title: "M"}
	must(t, st.CreateModule(ctx, m))
	l := &lms.Lesson{ModuleID: m.ID, Title: "L"}
	must(t, st.CreateLesson(ctx, l))
	f := &lms.Forum{CourseID: c.ID, Title: "Q&A"}
	must(t, st.CreateForum(ctx, f))
	room := &lms.Room{CourseID: c.ID, Name: "main", Main: true}
	must(t, st.CreateRoom(ctx, room))
	work := &lms.Assignment{CourseID: c.ID, Title: "Essay", OnlineText: true, Files: true, MaxPoints: 10}
	must(t, st.CreateAssignment(ctx, work))
	quiz := &lms.Quiz{CourseID: c.ID, Title: "Q", GradingMethod: lms.GradeHighest, Behaviour: lms.BehaviourDeferred}
	must(t, st.CreateQuiz(ctx, quiz))
	w.item = &lms.GradeItem{CourseID: c.ID, Source: lms.GradeManual, Title: "Participation", MaxPoints: 5}
	_, err := st.EnsureGradeItem(ctx, w.item)
	must(t, err)
	hidden := &lms.GradeItem{CourseID: c.ID, Source: lms.GradeManual, Title: "Hidden", MaxPoints: 5, Hidden: true}
	_, err = st.EnsureGradeItem(ctx, hidden)
	must(t, err)
	must(t, st.UpdateGradeItem(ctx, hidden))

	var thread int64
	for i, n := range []string{"amira", "bruno"} {
		u := w.users[n]
		must(t, st.PutEnrollment(ctx, &lms.Enrollment{CourseID: c.ID, UserID: u.ID, Role: lms.CourseLearner, Status: lms.EnrollActive}))
		_, err := st.UpdateProgress(ctx, lms.ProgressUpdate{UserID: u.ID, CourseID: c.ID, LessonID: l.ID, At: t0, Complete: true})
		must(t, err)
		post := &lms.Post{AuthorID: u.ID, BodyMD: "POST-" + n, BodyHTML: "<p>POST-" + n + "</p>"}
		if thread == 0 {
			th := &lms.Thread{ForumID: f.ID, AuthorID: u.ID, Title: "Question"}
			must(t, st.CreateThread(ctx, th, post))
			thread = th.ID
		} else {
			post.ThreadID = thread
			must(t, st.CreatePost(ctx, post, false))
		}
		w.posts[n] = post.ID
		_, err = st.InsertMessage(ctx, &lms.Message{RoomID: room.ID, AuthorID: u.ID, Body: "CHAT-" + n})
		must(t, err)
		up := &lms.Upload{Hash: fmt.Sprintf("%064d", i+1), Path: fmt.Sprintf("x/%d", i), Name: "report-" + n + ".txt",
			ContentType: "text/plain", Size: 12, OwnerID: u.ID}
		must(t, st.CreateUpload(ctx, up))
		w.files[up.ID] = "FILE-CONTENT-" + n
		_, err = st.SaveSubmission(ctx, &lms.Submission{AssignmentID: work.ID, UserID: u.ID, Status: lms.SubmissionSubmitted,
			Text: "ESSAY-" + n, Files: []int64{up.ID}, SubmittedAt: t0, SubmittedBy: u.ID}, u.ID, t0)
		must(t, err)
		must(t, st.PutExtension(ctx, &lms.Extension{AssignmentID: work.ID, UserID: u.ID, DueAt: t0.Add(time.Hour),
			GrantedAt: t0, Reason: "STAFF-NOTE-" + n}))
		must(t, st.CreateAttempt(ctx, &lms.Attempt{QuizID: quiz.ID, CourseID: c.ID, UserID: u.ID, Number: 1,
			State: lms.AttemptSubmitted, StartedAt: t0, SubmittedAt: t0}, nil))
		must(t, st.PutGrade(ctx, &lms.Grade{ItemID: w.item.ID, UserID: u.ID, Graded: true, Points: 4, Released: true,
			Reason: "", UpdatedAt: t0}))
		must(t, st.PutGrade(ctx, &lms.Grade{ItemID: hidden.ID, UserID: u.ID, Graded: true, Points: 1, Released: true,
			UpdatedAt: t0}))
		must(t, st.CreateNotification(ctx, &lms.Notification{UserID: u.ID, Kind: "mention", Payload: `{"note":"NOTE-` + n + `"}`}))
		w.secret[n] = []string{"POST-" + n, "CHAT-" + n, "ESSAY-" + n, "FILE-CONTENT-" + n, "report-" + n,
			"NOTE-" + n, n + "@mail.example", "Full " + n}
	}
	w.announce(t, c)
	svc, err := New(Params{Store: FromStore(st), Files: w.files, Logger: zerolog.Nop(),
		Clock: testenv.NewClock(t0.Add(time.Hour)).Now})
	must(t, err)
	w.svc = svc
	return w
}

// export runs the whole export of u and returns the zip's entries.
func (w *world) export(t *testing.T, u *lms.User) map[string]string {
	t.Helper()
	x, ups, err := w.svc.Collect(t.Context(), u)
	must(t, err)
	var buf bytes.Buffer
	must(t, w.svc.WriteExport(t.Context(), u, x, ups, &buf))
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	must(t, err)
	out := map[string]string{}
	for _, f := range zr.File {
		rc, err := f.Open()
		must(t, err)
		b, err := io.ReadAll(rc)
		must(t, err)
		rc.Close()
		out[f.Name] = string(b)
	}
	return out
}

func TestExportHoldsOnlyTheUsersOwnData(t *testing.T) {
	backends(t, func(t *testing.T, st store.Store) {
		w := newWorld(t, st)
		entries := w.export(t, w.users["amira"])
		var all strings.Builder
		for name, body := range entries {
			all.WriteString(name + "\n" + body + "\n")
		}
		for _, s := range w.secret["amira"] {
			if !strings.Contains(all.String(), s) {
				t.Errorf("amira's export lacks %q", s)
			}
		}
		for _, s := range append(w.secret["bruno"], w.secret["teacher"]...) {
			if strings.Contains(all.String(), s) {
				t.Errorf("amira's export holds someone else's %q", s)
			}
		}
		var x Export
		must(t, json.Unmarshal([]byte(entries["lyceum-export/data.json"]), &x))
		if x.Profile == nil || x.Profile.ID != w.users["amira"].ID || len(x.Enrollments) != 1 || len(x.Progress) != 1 ||
			len(x.Posts) != 1 || len(x.Messages) != 1 || len(x.Submissions) != 1 || len(x.Submissions[0].Versions) != 1 ||
			len(x.Attempts) != 1 || len(x.Notifications) != 1 || len(x.Files) != 1 || x.Announcements == nil ||
			len(x.Announcements) != 0 {
			t.Errorf("export = %+v", x)
		}
		if len(x.Extensions) != 1 || x.Extensions[0].UserID != w.users["amira"].ID || x.Extensions[0].Reason != "" {
			t.Errorf("extensions %+v, want amira's without the staff's note", x.Extensions)
		}
		if strings.Contains(all.String(), "STAFF-NOTE-") {
			t.Error("the export holds the staff's note on an extension")
		}
		if len(x.Grades) != 1 || x.Grades[0].ItemID != w.item.ID {
			t.Errorf("grades %+v, want the released one on the visible item only", x.Grades)
		}
		if got := entries[x.Files[0].Path]; got != "FILE-CONTENT-amira" {
			t.Errorf("the file in the zip holds %q", got)
		}
		if strings.Contains(entries["lyceum-export/data.json"], "argon2") || strings.Contains(entries["lyceum-export/data.json"], "password") {
			t.Error("the export holds a password hash")
		}
		audit, err := st.ListAudit(t.Context(), lms.AuditFilter{Action: "privacy."})
		must(t, err)
		if len(audit) != 1 || audit[0].Action != lms.AuditDataExport || audit[0].Target != fmt.Sprintf("user:%d", w.users["amira"].ID) {
			t.Errorf("audit %+v", audit)
		}
	})
}

func TestAnonymiseKeepsPostsAsDeletedUser(t *testing.T) {
	backends(t, func(t *testing.T, st store.Store) {
		for _, keep := range []bool{true, false} {
			t.Run(fmt.Sprintf("keep grades %v", keep), func(t *testing.T) {
				st := st2(t, st, keep)
				w := newWorld(t, st)
				ctx := t.Context()
				admin, amira := w.users["admin"], w.users["amira"]
				_, err := w.svc.PatchRetention(ctx, admin, RetentionPatch{KeepGrades: &keep})
				must(t, err)
				_, err = w.svc.RequestDeletion(ctx, amira, DeletionInput{Reason: "Leaving school"})
				must(t, err)
				reqs, err := w.svc.DeletionRequests(ctx, admin)
				must(t, err)
				if len(reqs) != 1 || reqs[0].UserID != amira.ID || reqs[0].Username != "amira" || reqs[0].Reason != "Leaving school" {
					t.Fatalf("requests %+v", reqs)
				}
				got, err := w.svc.Anonymise(ctx, admin, amira.ID)
				must(t, err)
				if got.GradesKept != keep {
					t.Errorf("grades kept %v, want %v", got.GradesKept, keep)
				}
				p, err := st.PostByID(ctx, w.posts["amira"])
				must(t, err)
				if p.AuthorName != lms.DeletedUserName || p.BodyMD != "POST-amira" {
					t.Errorf("the post reads %q by %q", p.BodyMD, p.AuthorName)
				}
				u, err := st.UserByID(ctx, amira.ID)
				must(t, err)
				if !u.Disabled || u.Email == amira.Email || u.Username == "amira" || u.PasswordHash != "" {
					t.Errorf("the account after anonymising: %+v", u)
				}
				if _, err := st.UserByLogin(ctx, "amira@mail.example"); !lms.IsCode(err, lms.ENOTFOUND) {
					t.Errorf("the old email still finds the account: %v", err)
				}
				grades, err := st.ListGrades(ctx, w.item.CourseID, amira.ID)
				must(t, err)
				if (len(grades) > 0) != keep {
					t.Errorf("%d grades left, keep %v", len(grades), keep)
				}
				for _, f := range []func() (int, error){
					func() (int, error) { x, err := st.UserNotifications(ctx, amira.ID); return len(x), err },
					func() (int, error) { x, err := st.AllUserEnrollments(ctx, amira.ID); return len(x), err },
					func() (int, error) { x, err := st.UserProgress(ctx, amira.ID); return len(x), err },
					func() (int, error) { x, err := st.UserUploads(ctx, amira.ID); return len(x), err },
				} {
					if n, err := f(); err != nil || n != 0 {
						t.Errorf("left %d rows (%v)", n, err)
					}
				}
				if reqs, _ := w.svc.DeletionRequests(ctx, admin); len(reqs) != 0 {
					t.Errorf("the request stays: %+v", reqs)
				}
				// bruno's data is untouched.
				if x, err := st.UserPosts(ctx, w.users["bruno"].ID); err != nil || len(x) != 1 || x[0].AuthorName != "Full bruno" {
					t.Errorf("bruno's posts %+v, %v", x, err)
				}
				audit, err := st.ListAudit(ctx, lms.AuditFilter{Action: "privacy."})
				must(t, err)
				var actions []string
				for _, a := range audit {
					actions = append(actions, a.Action)
				}
				if !strings.Contains(strings.Join(actions, ","), lms.AuditAnonymise) || !strings.Contains(strings.Join(actions, ","), lms.AuditDeletionRequest) {
					t.Errorf("audit %v", actions)
				}
			})
		}
	})
}

// st2 gives each subtest its own store: the first is the one passed, the
// second a fresh one of the same kind.
func st2(t *testing.T, st store.Store, first bool) store.Store {
	if first {
		return st
	}
	if strings.Contains(fmt.Sprintf("%T", st), "postgres") {
		return storetest.Postgres(t)
	}
	return storetest.SQLite(t)
}

func TestPrivacyPermissions(t *testing.T) {
	w := newWorld(t, storetest.SQLite(t))
	ctx := t.Context()
	amira, bruno, admin := w.users["amira"], w.users["bruno"], w.users["admin"]
	if _, err := w.svc.Anonymise(ctx, amira, bruno.ID); !lms.IsCode(err, lms.EFORBIDDEN) {
		t.Errorf("a user anonymises another: %v", err)
	}
	if _, err := w.svc.Anonymise(ctx, nil, bruno.ID); !lms.IsCode(err, lms.EUNAUTHORIZED) {
		t.Errorf("anonymous anonymises: %v", err)
	}
	if _, err := w.svc.Anonymise(ctx, admin, admin.ID); !lms.IsCode(err, lms.ECONFLICT) {
		t.Errorf("an admin anonymises themself: %v", err)
	}
	other := &lms.User{Email: "o@mail.example", Username: "otheradmin", Role: lms.SiteAdmin}
	must(t, w.st.CreateUser(ctx, other))
	if _, err := w.svc.Anonymise(ctx, admin, other.ID); !lms.IsCode(err, lms.ECONFLICT) {
		t.Errorf("an admin anonymises another admin: %v", err)
	}
	if _, err := w.svc.Anonymise(ctx, admin, 99999); !lms.IsCode(err, lms.ENOTFOUND) {
		t.Errorf("anonymising nobody: %v", err)
	}
	if _, err := w.svc.DeletionRequests(ctx, amira); !lms.IsCode(err, lms.EFORBIDDEN) {
		t.Errorf("a user lists deletion requests: %v", err)
	}
	yes := true
	if _, err := w.svc.PatchRetention(ctx, amira, RetentionPatch{KeepGrades: &yes}); !lms.IsCode(err, lms.EFORBIDDEN) {
		t.Errorf("a user changes retention: %v", err)
	}
	if r, err := w.svc.Retention(ctx, admin); err != nil || !r.KeepGrades {
		t.Errorf("default retention %+v, %v: grades kept", r, err)
	}
	if _, _, err := w.svc.Collect(ctx, nil); !lms.IsCode(err, lms.EUNAUTHORIZED) {
		t.Errorf("anonymous export: %v", err)
	}
	if _, err := w.svc.RequestDeletion(ctx, amira, DeletionInput{Reason: strings.Repeat("x", lms.MaxDeletionReason+1)}); !lms.IsCode(err, lms.EINVALID) {
		t.Errorf("a long reason: %v", err)
	}
	if err := w.svc.WithdrawDeletion(ctx, amira); !lms.IsCode(err, lms.ENOTFOUND) {
		t.Errorf("withdrawing no request: %v", err)
	}
	_, err := w.svc.RequestDeletion(ctx, amira, DeletionInput{})
	must(t, err)
	must(t, w.svc.WithdrawDeletion(ctx, amira))
	if _, err := w.svc.MyDeletionRequest(ctx, amira); !lms.IsCode(err, lms.ENOTFOUND) {
		t.Errorf("after withdrawing: %v", err)
	}
}

// revoked records SessionsRevoked calls.
type revoked []int64

func (r *revoked) SessionsRevoked(_ context.Context, userID int64, ids []int64) {
	if ids == nil {
		*r = append(*r, userID)
	}
}

func TestAnonymiseClosesTheAccountsLiveConnections(t *testing.T) {
	w := newWorld(t, storetest.SQLite(t))
	var got revoked
	svc, err := New(Params{Store: FromStore(w.st), Files: w.files, Sessions: &got, Logger: zerolog.Nop()})
	must(t, err)
	_, err = svc.Anonymise(t.Context(), w.users["admin"], w.users["bruno"].ID)
	must(t, err)
	if len(got) != 1 || got[0] != w.users["bruno"].ID {
		t.Errorf("revoked %v, want every session of bruno", got)
	}
}
