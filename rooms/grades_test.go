package rooms

import (
	"encoding/json"
	"testing"

	"github.com/rs/zerolog"

	"github.com/lyceumhq/lyceum/internal/course"
	"github.com/lyceumhq/lyceum/internal/grades"
	"github.com/lyceumhq/lyceum/internal/lms"
)

// TestGradeNoticesOverTheHub: a changed grade reaches the staff's open
// gradebook as a frame, and the learner as a stored notification once the
// grade is released on an item they can see.
func TestGradeNoticesOverTheHub(t *testing.T) {
	t.Parallel()
	s := newLiveSite(t)
	ctx := t.Context()
	book, err := grades.New(grades.Params{Store: grades.FromStore(s.st), Access: s.courses.Access, Logger: zerolog.Nop(),
		Announcer: NewGradeNotices(s.node.Hub, s.st, s.courses.Notifications, zerolog.Nop())})
	check(t, err)
	ins, learner := s.users["instructor"], s.users["learner"]
	hidden := get[*lms.GradeItem](t)(book.CreateItem(ctx, ins, s.course.ID, grades.ItemInput{Title: "Secret", MaxPoints: 10, Hidden: true}))
	quiz := get[*lms.GradeItem](t)(book.CreateItem(ctx, ins, s.course.ID, grades.ItemInput{Title: "Oral exam", MaxPoints: 10}))

	ta := s.dial(t, "ta")
	ta.Subscribe(GradebookTopic(s.course.ID), nil)
	lc := s.dial(t, "learner")
	lc.Subscribe(UserTopic(learner.ID), nil)

	get[*lms.Grade](t)(book.EditGrade(ctx, ins, hidden.ID, learner.ID, grades.GradeEdit{Points: new(3.0), Released: new(true)}))
	get[*lms.Grade](t)(book.EditGrade(ctx, ins, quiz.ID, learner.ID, grades.GradeEdit{Points: new(8.0)})) // not released
	get[*lms.Grade](t)(book.EditGrade(ctx, ins, quiz.ID, learner.ID, grades.GradeEdit{Released: new(true)}))

	for i, want := range []int64{hidden.ID, quiz.ID, quiz.ID} {
		var ch GradeChange
		check(t, json.Unmarshal(ta.Pushes(GradebookTopic(s.course.ID), 1)[0].Data, &ch))
		if ch != (GradeChange{Type: "grade_changed", CourseID: s.course.ID, UserID: learner.ID, ItemID: want}) {
			t.Fatalf("gradebook frame %d: %+v, want item %d", i, ch, want)
		}
	}
	// The hidden item's and the unreleased grade tell the learner nothing:
	// their first notification is the released one.
	ev := event(t, lc.Pushes(UserTopic(learner.ID), 1)[0])
	if ev.Kind != course.EventNotification || ev.Notification == nil || ev.Notification.Kind != lms.NotifyGrade {
		t.Fatalf("push %+v, want a grade notification", ev)
	}
	var p map[string]any
	check(t, json.Unmarshal([]byte(ev.Notification.Payload), &p))
	if p["title"] != "Oral exam" || p["item_id"] != float64(quiz.ID) || p["course_id"] != float64(s.course.ID) {
		t.Fatalf("payload %v, want the oral exam's", p)
	}
}
