package api

import (
	"net/http"
	"testing"

	"github.com/lyceumhq/lyceum/internal/course"
	"github.com/lyceumhq/lyceum/internal/lms"
)

func TestLockedThread(t *testing.T) {
	t.Parallel()
	e := newCourseEnv(t)
	w := newWorld(t, e)
	tp := "/api/v1/threads/" + id(w.thread.ID)
	posts := func() int {
		return len(decode[course.ThreadView](t, e.do(t, w.people[roleTA].c, "GET", tp, nil).want(t, http.StatusOK)).Posts)
	}
	before := posts()
	e.do(t, w.people[roleLearner].c, "PATCH", tp, course.ThreadFlags{Locked: new(true)}).want(t, http.StatusForbidden)
	th := decode[lms.Thread](t, e.do(t, w.people[roleTA].c, "PATCH", tp, course.ThreadFlags{Locked: new(true)}).want(t, http.StatusOK))
	if !th.Locked || th.Pinned {
		t.Fatalf("thread after locking = %+v", th)
	}
	p := e.do(t, w.people[roleLearner].c, "POST", tp+"/posts", ReplyRequest{BodyMD: "but wait"}).want(t, http.StatusForbidden).problem(t)
	if p.Detail == "" {
		t.Error("the refusal does not say why")
	}
	if got := posts(); got != before {
		t.Errorf("posts %d -> %d after a refused reply", before, got)
	}
	e.do(t, w.people[roleInstructor].c, "POST", tp+"/posts", ReplyRequest{BodyMD: "Closing note"}).want(t, http.StatusCreated)
	e.do(t, w.people[roleLearner].c, "POST", tp+"/posts", ReplyRequest{BodyMD: "   "}).want(t, http.StatusForbidden)
}

func TestPostRules(t *testing.T) {
	t.Parallel()
	e := newCourseEnv(t)
	w := newWorld(t, e)
	tp := "/api/v1/threads/" + id(w.thread.ID)
	learner := w.people[roleLearner].c
	e.do(t, learner, "POST", tp+"/posts", ReplyRequest{BodyMD: "  "}).want(t, http.StatusBadRequest)
	e.do(t, learner, "POST", tp+"/posts", ReplyRequest{ParentID: w.bPost.ID, BodyMD: "x"}).want(t, http.StatusBadRequest)
	e.do(t, learner, "POST", "/api/v1/posts/"+id(w.reply.ID)+"/reactions", ReactionRequest{Emoji: ""}).want(t, http.StatusBadRequest)
	e.do(t, learner, "POST", tp+"/answer", AnswerRequest{PostID: w.bPost.ID}).want(t, http.StatusBadRequest)
	e.do(t, learner, "DELETE", "/api/v1/posts/"+id(w.reply.ID), nil).want(t, http.StatusForbidden)
	e.do(t, w.people[roleTA].c, "DELETE", "/api/v1/posts/"+id(w.reply.ID), nil).want(t, http.StatusNoContent)
	tv := decode[course.ThreadView](t, e.do(t, learner, "GET", tp, nil).want(t, http.StatusOK))
	for _, p := range tv.Posts {
		if p.ID == w.reply.ID && (p.DeletedAt.IsZero() || p.BodyMD != "" || p.BodyHTML != "") {
			t.Errorf("deleted post is not a tombstone: %+v", p)
		}
	}
}
