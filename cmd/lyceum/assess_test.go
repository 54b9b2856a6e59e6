package main

import (
	"fmt"
	"testing"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// TestNodeSubmitsAnAttemptAtItsDeadline: the assessment service is wired to
// the node's job runner and to the gradebook: an attempt nobody submits is
// submitted by the server at its deadline (no browser, no request), and the
// learner is notified that the grade is available.
func TestNodeSubmitsAnAttemptAtItsDeadline(t *testing.T) {
	n, ada := siteByAPI(t)
	var course, cat, q, quiz struct {
		ID       int64 `json:"id"`
		FamilyID int64 `json:"family_id"`
	}
	ada.call("POST", "/courses", map[string]string{"title": "Timed"}, &course)
	ada.call("POST", fmt.Sprintf("/courses/%d/visibility", course.ID), map[string]string{"visibility": "published"}, nil)
	ada.call("POST", fmt.Sprintf("/courses/%d/members", course.ID), map[string]string{"login": "lin", "role": "learner"}, nil)
	ada.call("POST", fmt.Sprintf("/courses/%d/question-categories", course.ID), map[string]string{"name": "Unit"}, &cat)
	ada.call("POST", fmt.Sprintf("/courses/%d/questions", course.ID), map[string]any{"category_id": cat.ID, "type": "truefalse",
		"title": "Sun", "text_md": "The sun is a star.", "default_points": 1, "body": map[string]any{"truefalse": map[string]any{"answer": true}}}, &q)
	review := map[string]bool{"correctness": true, "marks": true}
	ada.call("POST", fmt.Sprintf("/courses/%d/quizzes", course.ID), map[string]any{"title": "Quick", "grading_method": "highest",
		"behaviour": "deferred", "time_limit_seconds": 2, "slots": []map[string]any{{"family_id": q.FamilyID, "points": 1}},
		"review": map[string]any{"after": review, "closed": review}}, &quiz)

	lin := newAPIClient(t, n.url)
	loginAPI(lin, "lin", courseLearnerPW)
	var att struct {
		Attempt struct {
			ID            int64  `json:"id"`
			State         string `json:"state"`
			AutoSubmitted bool   `json:"auto_submitted"`
		} `json:"attempt"`
	}
	lin.call("POST", fmt.Sprintf("/quizzes/%d/attempts", quiz.ID), map[string]any{}, &att)
	lin.call("PATCH", fmt.Sprintf("/attempts/%d/slots/0", att.Attempt.ID), map[string]any{"answer": map[string]any{"bool": true}}, nil)

	id := att.Attempt.ID
	eventually(t, "the server submits the attempt at its deadline", func() bool {
		lin.call("GET", fmt.Sprintf("/attempts/%d", id), nil, &att)
		return att.Attempt.State == "submitted"
	})
	if !att.Attempt.AutoSubmitted {
		t.Error("the attempt was submitted, but not marked as submitted by the server")
	}
	var notes struct {
		Items []struct {
			Kind string `json:"kind"`
		} `json:"items"`
	}
	eventually(t, "the learner is told the grade is available", func() bool {
		lin.call("GET", "/me/notifications", nil, &notes)
		return len(notes.Items) > 0 && notes.Items[0].Kind == lms.NotifyGrade
	})
}
