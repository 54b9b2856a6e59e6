package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
)

func TestNodeRunsTheJobRunnerUntilShutdown(t *testing.T) {
	n := startTestNode(t, nil)
	if running := gauge(t, n, "lyceum_jobs_running"); running != 0 {
		t.Errorf("lyceum_jobs_running = %v on an idle node, want 0", running)
	}
	if !strings.Contains(n.logs.String(), `"worker":"test-`) {
		t.Errorf("no job runner started with a worker named after the node:\n%s", n.logs.String())
	}
	n.stop()
	if logs := n.logs.String(); strings.Contains(logs, `"message":"job runner"`) {
		t.Errorf("the job runner failed:\n%s", logs)
	}
}

// TestNodeTellsLearnersOfReleasedLessonsAndLiveSessions: the content and the
// calendar are wired to the reminders: a lesson published with no date is
// announced at once, a scheduled live session when it starts.
func TestNodeTellsLearnersOfReleasedLessonsAndLiveSessions(t *testing.T) {
	n, ada := siteByAPI(t)
	var course, module, lesson, event struct {
		ID int64 `json:"id"`
	}
	ada.call("POST", "/courses", map[string]string{"title": "Announced"}, &course)
	ada.call("POST", fmt.Sprintf("/courses/%d/visibility", course.ID), map[string]string{"visibility": "published"}, nil)
	ada.call("POST", fmt.Sprintf("/courses/%d/members", course.ID), map[string]string{"login": "lin", "role": "learner"}, nil)
	ada.call("POST", fmt.Sprintf("/courses/%d/modules", course.ID), map[string]string{"title": "Week 1"}, &module)
	ada.call("POST", fmt.Sprintf("/modules/%d/lessons", module.ID), map[string]any{"title": "Welcome", "body_md": "Hi"}, &lesson)
	var rooms struct {
		Items []struct {
			ID int64 `json:"id"`
		} `json:"items"`
	}
	ada.call("GET", fmt.Sprintf("/courses/%d/rooms", course.ID), nil, &rooms)
	if len(rooms.Items) == 0 {
		t.Fatal("the course has no room")
	}
	ada.call("POST", fmt.Sprintf("/courses/%d/events", course.ID), map[string]any{"title": "Kick-off",
		"room_id": rooms.Items[0].ID, "starts_at": time.Now().Add(2 * time.Second)}, &event)

	lin := newAPIClient(t, n.url)
	loginAPI(lin, "lin", courseLearnerPW)
	var notes struct {
		Items []struct {
			Kind    string `json:"kind"`
			Payload string `json:"payload"`
		} `json:"items"`
	}
	has := func(kind, link string) bool {
		for _, it := range notes.Items {
			if it.Kind == kind && strings.Contains(it.Payload, `"link":"`+link+`"`) {
				return true
			}
		}
		return false
	}
	eventually(t, "the learner is told of the lesson and of the live session", func() bool {
		lin.call("GET", "/me/notifications", nil, &notes)
		return has(lms.NotifyLessonReleased, fmt.Sprintf("/courses/%d/lessons/%d", course.ID, lesson.ID)) &&
			has(lms.NotifyLiveStarting, fmt.Sprintf("/courses/%d/rooms/%d/live", course.ID, rooms.Items[0].ID))
	})
}
