package api

import (
	"archive/zip"
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/privacy"
)

// The privacy routes: a learner downloads their own data and asks for
// deletion; only administrators see the requests, set retention and
// anonymise, after which the learner's posts read "Deleted user".
func TestPrivacyRoutes(t *testing.T) {
	e := newCourseEnv(t)
	w := newWorld(t, e)
	learner, admin, outsider := w.people[roleLearner], w.people[roleAdmin], w.people[roleOutsider]

	res := e.do(t, learner.c, "GET", "/api/v1/me/export", nil).want(t, http.StatusOK)
	if ct := res.Header.Get("Content-Type"); ct != "application/zip" ||
		!strings.HasPrefix(res.Header.Get("Content-Disposition"), `attachment; filename="lyceum-learner-`) {
		t.Errorf("headers %v", res.Header)
	}
	zr, err := zip.NewReader(bytes.NewReader(res.Body), int64(len(res.Body)))
	if err != nil {
		t.Fatal(err)
	}
	var data string
	for _, f := range zr.File {
		if f.Name == "lyceum-export/data.json" {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(rc)
			rc.Close()
			data = string(b)
		}
	}
	if !strings.Contains(data, `"username": "learner"`) || !strings.Contains(data, "How?") {
		t.Errorf("data.json:\n%s", data)
	}
	for _, other := range []string{`"username": "assistant"`, "Like this.", `"username": "outsider"`} {
		if strings.Contains(data, other) {
			t.Errorf("the learner's export holds %q", other)
		}
	}
	e.do(t, anon, "GET", "/api/v1/me/export", nil).want(t, http.StatusUnauthorized)

	e.do(t, learner.c, "GET", "/api/v1/me/deletion-request", nil).want(t, http.StatusNotFound)
	req := decode[lms.DeletionRequest](t, e.do(t, learner.c, "POST", "/api/v1/me/deletion-request",
		map[string]any{"reason": "Moving on"}).want(t, http.StatusCreated))
	if req.UserID != learner.u.ID || req.Reason != "Moving on" {
		t.Errorf("request %+v", req)
	}
	e.do(t, learner.c, "GET", "/api/v1/admin/deletion-requests", nil).want(t, http.StatusForbidden)
	list := decode[DeletionRequestList](t, e.do(t, admin.c, "GET", "/api/v1/admin/deletion-requests", nil).want(t, http.StatusOK))
	if len(list.Items) != 1 || list.Items[0].Username != "learner" {
		t.Errorf("requests %+v", list.Items)
	}

	e.do(t, learner.c, "PATCH", "/api/v1/admin/privacy", map[string]any{"keep_grades": false}).want(t, http.StatusForbidden)
	ret := decode[lms.Retention](t, e.do(t, admin.c, "PATCH", "/api/v1/admin/privacy", map[string]any{"keep_grades": false}).want(t, http.StatusOK))
	if ret.KeepGrades {
		t.Errorf("retention %+v", ret)
	}
	path := "/api/v1/admin/users/" + id(learner.u.ID) + "/anonymise"
	e.do(t, outsider.c, "POST", path, nil).want(t, http.StatusForbidden)
	e.do(t, admin.c, "POST", "/api/v1/admin/users/"+id(admin.u.ID)+"/anonymise", nil).want(t, http.StatusConflict)
	got := decode[privacy.Anonymised](t, e.do(t, admin.c, "POST", path, nil).want(t, http.StatusOK))
	if got.UserID != learner.u.ID || got.GradesKept {
		t.Errorf("anonymised %+v", got)
	}
	e.do(t, learner.c, "GET", "/api/v1/me/export", nil).want(t, http.StatusUnauthorized)
	posts, err := e.st.ListPosts(t.Context(), w.thread.ID)
	if err != nil {
		t.Fatal(err)
	}
	if posts[0].AuthorName != lms.DeletedUserName || posts[0].BodyMD != "How?" {
		t.Errorf("the learner's post reads %q by %q", posts[0].BodyMD, posts[0].AuthorName)
	}
}
