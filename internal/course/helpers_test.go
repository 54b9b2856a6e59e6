package course

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
	"github.com/lyceumhq/lyceum/internal/store/sqlite"
	"github.com/lyceumhq/lyceum/internal/testenv"
)

// fakeAnnouncer records announcements as a live layer would receive them.
type fakeAnnouncer struct {
	mu   sync.Mutex
	list []*lms.Announcement // guarded by mu
	// fail, when set, makes Announce fail (a broker that is down).
	fail error
}

func (p *fakeAnnouncer) Announce(_ context.Context, a *lms.Announcement) (lms.FeedPosition, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.fail != nil {
		return lms.FeedPosition{}, p.fail
	}
	p.list = append(p.list, a)
	return lms.FeedPosition{Epoch: "e", Offset: uint64(len(p.list))}, nil
}

// on returns the events announced on the feed (kind, id).
func (p *fakeAnnouncer) on(kind lms.FeedKind, id int64) []Event {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []Event
	for _, a := range p.list {
		if a.Feed == (lms.Feed{Kind: kind, ID: id}) {
			var ev Event
			if err := json.Unmarshal(a.Data, &ev); err != nil {
				panic(err)
			}
			out = append(out, ev)
		}
	}
	return out
}

// accessChanges returns the users whose access to the course was announced
// as changed (0: everyone's).
func (p *fakeAnnouncer) accessChanges(courseID int64) []int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []int64
	for _, a := range p.list {
		if a.Feed == (lms.Feed{Kind: lms.FeedAccess, ID: courseID}) {
			var ch lms.AccessChange
			if err := json.Unmarshal(a.Data, &ch); err != nil {
				panic(err)
			}
			out = append(out, ch.UserID)
		}
	}
	return out
}

// clock is the shared settable test clock.
type clock = testenv.Clock

// fixture is a site with course A (instructor, TA, learner; published,
// with content, a forum thread and chat) and course B with its own learner
// (the "outsider" of course A), plus a site admin in neither.
type fixture struct {
	t       *testing.T
	st      store.Store
	svc     *Services
	pub     *fakeAnnouncer
	clock   *clock
	users   map[string]*lms.User // by actor name; "anonymous" is nil
	a, b    *CourseView
	module  *lms.Module
	lesson  *lms.Lesson // published
	draft   *lms.Lesson
	group   *lms.Group // self-select, course A
	forum   *lms.Forum
	thread  *ThreadView // by the learner
	reply   *lms.Post   // the TA's reply
	room    *lms.Room   // course A's main room
	extra   *lms.Room   // another room in course A
	message *lms.Message
	newbie  *lms.User // a user in no course
}

// actors are the callers every permission case runs as.
var actors = []string{"anonymous", "outsider", "learner", "ta", "instructor", "admin"}

var t0 = time.Date(2026, 3, 14, 9, 0, 0, 0, time.UTC)

// newService returns the Services over st with a fake publisher and clock.
func newService(t *testing.T, st store.Store, dir string) (*Services, *fakeAnnouncer, *clock) {
	t.Helper()
	pub, clk := &fakeAnnouncer{}, testenv.NewClock(t0)
	svc, err := NewServices(Params{Store: st, Logger: zerolog.Nop(), Announcer: pub, Clock: clk.Now,
		Uploads: UploadParams{Dir: dir, Limits: map[string]int64{KindImage: 1 << 10}}})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return svc, pub, clk
}

// mkUser creates a user.
func mkUser(t *testing.T, st store.Store, name string, role lms.SiteRole) *lms.User {
	t.Helper()
	u := &lms.User{Email: name + "@example.com", Username: name, Name: "N " + name, Role: role}
	if err := st.CreateUser(t.Context(), u); err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
	return u
}

// result holds a call's value and error until get checks it.
type result[T any] struct {
	v   T
	err error
}

// must captures a call's results: must(f(...)).get(t).
func must[T any](v T, err error) result[T] { return result[T]{v, err} }

// get fails t on the error and returns the value.
func (r result[T]) get(t *testing.T) T {
	t.Helper()
	if r.err != nil {
		t.Fatalf("unexpected error: %v", r.err)
	}
	return r.v
}

// ok fails t on err.
func ok(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
}

// wantCode fails t unless err carries code ("" for success).
func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := lms.ErrorCode(err); got != code {
		t.Fatalf("error = %v (code %q), want code %q", err, got, code)
	}
}

// template is the fixture built once into a SQLite file that every test
// copies: building it takes dozens of writes, copying a file does not.
var template struct {
	once sync.Once
	dir  string // removed by TestMain
	path string
	f    *fixture // ids and objects; read only
	err  error
}

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "lyceum-course-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	template.dir = dir
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// newFixture returns a fresh copy of the fixture with its own database,
// publisher and clock.
func newFixture(t *testing.T) *fixture {
	t.Helper()
	template.once.Do(func() {
		template.path = filepath.Join(template.dir, "template.db")
		db, err := sqlite.Open(t.Context(), template.path, zerolog.Nop())
		if err != nil {
			template.err = err
			return
		}
		if template.err = db.Migrate(t.Context()); template.err == nil {
			template.f = buildFixture(t, db)
		}
		if err := db.Close(); template.err == nil {
			template.err = err
		}
	})
	if template.err != nil || template.f == nil {
		t.Fatalf("build the fixture template: %v", template.err)
	}
	data, err := os.ReadFile(template.path)
	ok(t, err)
	path := filepath.Join(t.TempDir(), "lyceum.db")
	ok(t, os.WriteFile(path, data, 0o600))
	db, err := sqlite.Open(t.Context(), path, zerolog.Nop())
	ok(t, err)
	t.Cleanup(func() { _ = db.Close() })
	f := *template.f
	f.t, f.st = t, db
	f.svc, f.pub, f.clock = newService(t, db, t.TempDir())
	return &f
}

func buildFixture(t *testing.T, st store.Store) *fixture {
	t.Helper()
	svc, pub, clk := newService(t, st, t.TempDir())
	f := &fixture{t: t, st: st, svc: svc, pub: pub, clock: clk, users: map[string]*lms.User{"anonymous": nil}}
	ctx := t.Context()
	for _, n := range []string{"instructor", "ta", "learner", "outsider"} {
		f.users[n] = mkUser(t, st, n, lms.SiteUser)
	}
	f.users["admin"] = mkUser(t, st, "admin", lms.SiteAdmin)
	f.newbie = mkUser(t, st, "newbie", lms.SiteUser)
	ins := f.users["instructor"]
	f.a = must(svc.Courses.CreateCourse(ctx, ins, CourseInput{Title: "Course A", Code: "A1"})).get(t)
	f.a = must(svc.Courses.SetVisibility(ctx, ins, f.a.ID, lms.CoursePublished)).get(t)
	f.a = must(svc.Courses.ConfigureJoin(ctx, ins, f.a.ID, JoinSettings{Enabled: true})).get(t)
	must(svc.Enrolment.Enrol(ctx, ins, f.a.ID, "ta", lms.CourseTA)).get(t)
	must(svc.Enrolment.Enrol(ctx, ins, f.a.ID, "learner", lms.CourseLearner)).get(t)
	f.b = must(svc.Courses.CreateCourse(ctx, ins, CourseInput{Title: "Course B"})).get(t)
	f.b = must(svc.Courses.SetVisibility(ctx, ins, f.b.ID, lms.CoursePublished)).get(t)
	must(svc.Enrolment.Enrol(ctx, ins, f.b.ID, "outsider", lms.CourseLearner)).get(t)
	f.module = must(svc.Content.CreateModule(ctx, ins, f.a.ID, "Week 1")).get(t)
	f.lesson = must(svc.Content.CreateLesson(ctx, ins, f.module.ID, LessonInput{Title: "Intro", BodyMD: "Hello"})).get(t)
	f.draft = must(svc.Content.CreateLesson(ctx, ins, f.module.ID, LessonInput{Title: "Draft", BodyMD: "WIP", Draft: true})).get(t)
	f.group = must(svc.Enrolment.CreateGroup(ctx, ins, &lms.Group{CourseID: f.a.ID, Name: "Team", SelfSelect: true, MaxSize: 5})).get(t)
	forums := must(svc.Discussion.ListForums(ctx, ins, f.a.ID, lms.Page{})).get(t)
	f.forum = forums[0]
	f.thread = must(svc.Discussion.CreateThread(ctx, f.users["learner"], f.forum.ID, "Question", "How?")).get(t)
	f.reply = must(svc.Discussion.Reply(ctx, f.users["ta"], f.thread.Thread.ID, f.thread.Posts[0].ID, "Like this.")).get(t)
	rooms := must(svc.Chat.ListRooms(ctx, ins, f.a.ID)).get(t)
	f.room = rooms[0].Room
	f.extra = must(svc.Chat.CreateRoom(ctx, ins, f.a.ID, "Side room", 0)).get(t)
	sent, err := svc.Chat.SendMessage(ctx, f.users["learner"], SendInput{RoomID: f.room.ID, Body: "hi all", IdemKey: "k0"})
	ok(t, err)
	f.message = sent.Message
	return f
}

// as returns the user for an actor name.
func (f *fixture) as(name string) *lms.User { return f.users[name] }

// details is the patch that saves in as the whole of a course's details.
func details(in CourseInput) lms.CoursePatch {
	return lms.CoursePatch{Title: &in.Title, Code: &in.Code, Description: &in.Description, CoverPath: &in.CoverPath,
		StartsAt: &in.StartsAt, EndsAt: &in.EndsAt}
}

// seconds is d as MuteInput's Seconds.
func seconds(d time.Duration) *int { n := int(d / time.Second); return &n }
