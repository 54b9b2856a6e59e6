package demo

import (
	"bytes"
	"encoding/binary"
	"image/png"
	"net/http"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/lyceumhq/lyceum/internal/auth"
	"github.com/lyceumhq/lyceum/internal/course"
	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
	"github.com/lyceumhq/lyceum/internal/store/storetest"
)

// env is a site to seed.
type env struct {
	st      store.Store
	auth    *auth.Service
	courses *course.Services
	uploads string // the upload directory; "" disables uploads
}

func newEnv(t *testing.T, uploads bool) *env {
	t.Helper()
	e := &env{st: storetest.SQLite(t)}
	if uploads {
		e.uploads = t.TempDir()
	}
	var err error
	e.auth, err = auth.New(t.Context(), auth.Params{Store: store.Scope[auth.Store](e.st), Logger: zerolog.Nop(), Hash: auth.CheapHashParams()})
	if err != nil {
		t.Fatalf("auth.New: %v", err)
	}
	e.courses, err = course.NewServices(course.Params{Store: e.st, Logger: zerolog.Nop(), Uploads: course.UploadParams{Dir: e.uploads}})
	if err != nil {
		t.Fatalf("course.New: %v", err)
	}
	return e
}

func (e *env) seed(t *testing.T) Accounts {
	t.Helper()
	acc, err := Seed(t.Context(), Params{Auth: e.auth, Courses: e.courses, Store: e.st,
		Log: zerolog.New(zerolog.NewTestWriter(t))})
	if err != nil {
		t.Fatalf("Seed: %v", err)
	}
	return acc
}

// counts is what a seeded site holds.
type counts struct {
	Users, Courses, Modules, Lessons, Messages, Threads, Posts, Completed int
	Unread                                                                int // the main room, for the last learner
}

func (e *env) counts(t *testing.T, acc Accounts) counts {
	t.Helper()
	ctx := t.Context()
	var c counts
	var err error
	if c.Users, err = e.st.CountUsers(ctx); err != nil {
		t.Fatal(err)
	}
	ins, err := e.st.UserByLogin(ctx, InstructorUsername)
	if err != nil {
		t.Fatal(err)
	}
	if _, c.Courses, err = e.courses.Courses.ListCourses(ctx, ins, lms.CourseFilter{MemberID: ins.ID}); err != nil {
		t.Fatal(err)
	}
	out, err := e.courses.Content.Outline(ctx, ins, acc.CourseID)
	if err != nil {
		t.Fatal(err)
	}
	c.Modules = len(out.Modules)
	for _, m := range out.Modules {
		c.Lessons += len(m.Lessons)
	}
	rooms, err := e.courses.Chat.ListRooms(ctx, ins, acc.CourseID)
	if err != nil {
		t.Fatal(err)
	}
	msgs, _, err := e.courses.Chat.History(ctx, ins, lms.MessageFilter{RoomID: rooms[0].ID, Limit: lms.MaxPageSize})
	if err != nil {
		t.Fatal(err)
	}
	c.Messages = len(msgs)
	forums, err := e.courses.Discussion.ListForums(ctx, ins, acc.CourseID, lms.Page{})
	if err != nil {
		t.Fatal(err)
	}
	threads, total, err := e.courses.Discussion.ListThreads(ctx, ins, forums[0].ID, 10, 0)
	if err != nil {
		t.Fatal(err)
	}
	c.Threads = total
	for _, th := range threads {
		v, err := e.courses.Discussion.GetThread(ctx, ins, th.ID)
		if err != nil {
			t.Fatal(err)
		}
		c.Posts += len(v.Posts)
	}
	rep, err := e.courses.Progress.ProgressReport(ctx, ins, acc.CourseID)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rep.Rates {
		c.Completed += r.Completed
	}
	last, err := e.st.UserByLogin(ctx, LearnerUsername(learnerCount))
	if err != nil {
		t.Fatal(err)
	}
	lr, err := e.courses.Chat.ListRooms(ctx, last, acc.CourseID)
	if err != nil {
		t.Fatal(err)
	}
	c.Unread = lr[0].Unread
	return c
}

func TestSeedIsIdempotent(t *testing.T) {
	t.Parallel()
	e := newEnv(t, true)
	first := e.seed(t)
	before := e.counts(t, first)
	want := counts{Users: 1 + 2 + learnerCount, Courses: 1, Modules: 2, Lessons: 4, Messages: len(chatHistory),
		Threads: 1, Posts: 4, Completed: 3, Unread: len(chatHistory) - sentBy(LearnerUsername(learnerCount))}
	if before != want {
		t.Errorf("after the first seed: %+v, want %+v", before, want)
	}
	second := e.seed(t)
	if after := e.counts(t, second); after != before {
		t.Errorf("the second seed changed the site: %+v, was %+v", after, before)
	}
	if first.String() != second.String() {
		t.Errorf("the accounts differ:\n%s\n%s", first, second)
	}
	t.Run("every printed account signs in with the printed password", func(t *testing.T) {
		for _, a := range second.Users {
			if !strings.Contains(second.String(), a.Username) {
				t.Errorf("%s is not printed", a.Username)
			}
			u, _, err := e.auth.Login(t.Context(), a.Username, second.Password)
			if err != nil {
				t.Fatalf("sign in as %s: %v", a.Username, err)
			}
			if a.Username == AdminUsername && !u.IsAdmin() {
				t.Errorf("%s is not an administrator", a.Username)
			}
		}
	})
	t.Run("the join code works", func(t *testing.T) {
		u := &lms.User{Email: "new@example.com", Username: "newcomer", Name: "New", Role: lms.SiteUser}
		if err := e.st.CreateUser(t.Context(), u); err != nil {
			t.Fatal(err)
		}
		if _, err := e.courses.Enrolment.JoinByCode(t.Context(), u, second.JoinCode); err != nil {
			t.Fatalf("join with %q: %v", second.JoinCode, err)
		}
	})
	t.Run("the lessons embed the picture and the video", func(t *testing.T) {
		ins, _ := e.st.UserByLogin(t.Context(), InstructorUsername)
		out, err := e.courses.Content.Outline(t.Context(), ins, second.CourseID)
		if err != nil {
			t.Fatal(err)
		}
		var html strings.Builder
		for _, m := range out.Modules {
			for _, l := range m.Lessons {
				st, err := e.courses.Content.GetLesson(t.Context(), ins, l.ID)
				if err != nil {
					t.Fatal(err)
				}
				html.WriteString(st.BodyHTML)
			}
		}
		for _, want := range []string{`<img src="` + course.UploadURLPrefix, `<video`, `src="` + course.UploadURLPrefix, `<code class="language-python">`} {
			if !strings.Contains(html.String(), want) {
				t.Errorf("no %s in the lessons", want)
			}
		}
	})
}

// sentBy counts the demo chat messages of a user (unread counts leave out
// one's own).
func sentBy(username string) int {
	n := 0
	for _, m := range chatHistory {
		if m.who == username {
			n++
		}
	}
	return n
}

func TestSeedRebuildsAnInterruptedCourse(t *testing.T) {
	t.Parallel()
	e := newEnv(t, true)
	acc := e.seed(t)
	before := e.counts(t, acc)
	if err := e.st.PutValue(t.Context(), markerKey, "not a number"); err != nil { // as if the run stopped before the end
		t.Fatal(err)
	}
	again := e.seed(t)
	if again.CourseID == acc.CourseID {
		t.Errorf("the half-built course %d was kept", acc.CourseID)
	}
	if after := e.counts(t, again); after != before {
		t.Errorf("rebuilt site %+v, want %+v", after, before)
	}
}

func TestSeedOnASiteWithUsersAddsNoAdministrator(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false) // and without uploads
	if err := e.st.CreateUser(t.Context(), &lms.User{Email: "root@example.com", Username: "root", Name: "Root", Role: lms.SiteAdmin}); err != nil {
		t.Fatal(err)
	}
	acc := e.seed(t)
	for _, a := range acc.Users {
		if a.Username == AdminUsername {
			t.Fatalf("%s created on a site that has an administrator", AdminUsername)
		}
	}
	if _, err := e.st.UserByLogin(t.Context(), AdminUsername); !lms.IsCode(err, lms.ENOTFOUND) {
		t.Errorf("lookup of %s: %v, want not found", AdminUsername, err)
	}
}

func TestNightSkyIsAPNG(t *testing.T) {
	t.Parallel()
	data, err := nightSkyPNG()
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	if b := img.Bounds(); b.Dx() != skyWidth || b.Dy() != skyHeight {
		t.Errorf("size %v", b)
	}
}

func TestOrbitVideoIsAnMP4(t *testing.T) {
	t.Parallel()
	data := orbitMP4()
	if got := http.DetectContentType(data); got != "video/mp4" {
		t.Fatalf("sniffed %s, want video/mp4", got)
	}
	var types []string
	for rest := data; len(rest) > 0; {
		if len(rest) < 8 {
			t.Fatalf("%d stray bytes at the end", len(rest))
		}
		n := int(binary.BigEndian.Uint32(rest))
		if n < 8 || n > len(rest) {
			t.Fatalf("box %q claims %d bytes of %d", rest[4:8], n, len(rest))
		}
		types = append(types, string(rest[4:8]))
		rest = rest[n:]
	}
	if strings.Join(types, ",") != "ftyp,moov,mdat" {
		t.Errorf("top-level boxes %v", types)
	}
}
