package livequiz

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"

	"github.com/rs/zerolog"

	"github.com/lyceumhq/lyceum/internal/course"
	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
	"github.com/lyceumhq/lyceum/internal/store/storetest"
	"github.com/lyceumhq/lyceum/internal/testenv"
)

// fakeBook records gradebook reports.
type fakeBook struct {
	mu      sync.Mutex
	reports []lms.GradeResult // guarded by mu
}

func (b *fakeBook) Report(_ context.Context, r lms.GradeResult) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.reports = append(b.reports, r)
	return nil
}

// events counts the notifier's events by kind.
type events struct {
	mu sync.Mutex
	n  map[Event]int // guarded by mu
}

func (e *events) GameChanged(_ context.Context, _ *lms.Game, ev Event) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.n[ev]++
}

func (e *events) PlayerRemoved(context.Context, *lms.GamePlayer) {}

// fixture is a course with a room, an instructor, two learners and an
// outsider, and a live quiz service over SQLite.
type fixture struct {
	t                              testing.TB
	st                             store.Store
	courses                        *course.Services
	clock                          *testenv.Clock
	book                           *fakeBook
	ev                             *events
	svc                            *Service
	room                           *lms.Room
	inst, ta, lea, leo, out, other *lms.User
	course                         *lms.Course
}

func newFixture(t testing.TB) *fixture { return newFixtureOn(t, storetest.SQLite(t)) }

func newFixtureOn(t testing.TB, st store.Store) *fixture {
	t.Helper()
	ctx := t.Context()
	f := &fixture{t: t, st: st, clock: testenv.NewClock(t0), book: &fakeBook{}, ev: &events{n: map[Event]int{}}}
	cs, err := course.NewServices(course.Params{Store: st, Logger: zerolog.Nop(), Clock: f.clock.Now,
		Uploads: course.UploadParams{Dir: t.TempDir()}})
	must(t, err)
	f.courses = cs
	mk := func(name string) *lms.User {
		u := &lms.User{Email: name + "@example.com", Username: name, Name: "Name " + name, Role: lms.SiteUser}
		must(t, st.CreateUser(ctx, u))
		return u
	}
	f.inst, f.ta, f.lea, f.leo, f.out, f.other = mk("inst"), mk("ta"), mk("lea"), mk("leo"), mk("out"), mk("other")
	f.course = &lms.Course{Title: "Physics", Code: "PHY", Visibility: lms.CoursePublished, CreatedBy: f.inst.ID}
	must(t, st.CreateCourse(ctx, f.course))
	for u, r := range map[*lms.User]lms.CourseRole{f.inst: lms.CourseInstructor, f.ta: lms.CourseTA,
		f.lea: lms.CourseLearner, f.leo: lms.CourseLearner, f.other: lms.CourseLearner} {
		must(t, st.PutEnrollment(ctx, &lms.Enrollment{CourseID: f.course.ID, UserID: u.ID, Role: r, Status: lms.EnrollActive}))
	}
	f.room = &lms.Room{CourseID: f.course.ID, Name: "main", Main: true}
	must(t, st.CreateRoom(ctx, f.room))
	f.svc = f.service()
	return f
}

// service returns a new Service over the fixture's store: another node,
// or this one restarted.
func (f *fixture) service() *Service {
	svc, err := New(Params{Data: f.st, Rooms: f.courses.Chat, Access: f.courses.Access, Gradebook: f.book,
		Clock: f.clock.Now, Logger: zerolog.New(zerolog.NewTestWriter(f.t))})
	must(f.t, err)
	svc.SetNotifier(f.ev)
	return svc
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := lms.ErrorCode(err); got != code {
		t.Fatalf("error %v (code %q), want %q", err, got, code)
	}
}

func wantReason(t *testing.T, err error, reason string) {
	t.Helper()
	if got := reasonOf(err); got != reason {
		t.Fatalf("error %v (reason %q), want reason %q", err, got, reason)
	}
}

// typed questions: a true/false (true), a single choice (b right) and a poll.
func typedQuestions() []QuestionInput {
	return []QuestionInput{
		{Question: &lms.Question{Type: lms.QTrueFalse, TextMD: "Water is wet.", DefaultPoints: 1,
			Body: lms.QuestionBody{TrueFalse: &lms.TrueFalseBody{Answer: true}}}, Seconds: 20},
		{Question: &lms.Question{Type: lms.QSingle, TextMD: "2 + 2?", DefaultPoints: 1,
			Body: lms.QuestionBody{Choice: &lms.ChoiceBody{Choices: []lms.Choice{
				{ID: "a", TextMD: "3"}, {ID: "b", TextMD: "4", Fraction: 1}, {ID: "c", TextMD: "5"}}}}}, Seconds: 10},
		{Question: &lms.Question{Type: lms.QPoll, TextMD: "Fun?",
			Body: lms.QuestionBody{Choice: &lms.ChoiceBody{Choices: []lms.Choice{{ID: "y", TextMD: "Yes"}, {ID: "n", TextMD: "No"}}}}}},
	}
}

// game creates a game with the typed questions and settings s.
func (f *fixture) game(s lms.GameSettings) *lms.Game {
	f.t.Helper()
	g, _, err := f.svc.Create(f.t.Context(), f.inst, f.room.ID, CreateInput{Title: "Friday", Settings: s, Questions: typedQuestions()})
	must(f.t, err)
	return g
}

// control runs an instructor action.
func (f *fixture) control(g *lms.Game, action string) *lms.Game {
	f.t.Helper()
	out, err := f.svc.Control(f.t.Context(), f.inst, g.ID, ControlInput{Action: action})
	must(f.t, err)
	return out
}

// view returns the presented view of the game's current question.
func (f *fixture) view(g *lms.Game) *QuestionView {
	f.t.Helper()
	v, err := f.svc.State(f.t.Context(), g.ID)
	must(f.t, err)
	if v.Question == nil {
		f.t.Fatal("no current question")
	}
	return v.Question
}

// answer answers question index with the JSON response resp and key.
func (f *fixture) answer(svc *Service, p *lms.GamePlayer, index int, key, resp string) (*Answered, error) {
	return svc.Answer(f.t.Context(), p, AnswerInput{Index: index, Key: key, Response: json.RawMessage(resp)}, 20*1e6)
}

// choiceResp is a response choosing the presented id of the option with text.
func choiceResp(v *QuestionView, text string) string {
	for _, c := range v.Choices {
		if c.Text == text {
			return fmt.Sprintf(`{"choices":[%q]}`, c.ID)
		}
	}
	return `{"choices":["none"]}`
}
