package api

import (
	"bytes"
	"context"
	"net/http"
	"strconv"

	"github.com/lyceumhq/lyceum/internal/lms"
)

func (a *API) postHeartbeat(w http.ResponseWriter, r *http.Request) error {
	return onIDBody(w, r, http.StatusOK, func(ctx context.Context, u *lms.User, id int64, req HeartbeatRequest) (*lms.LessonProgress, error) {
		return a.courses.Progress.HeartbeatVideo(ctx, u, id, req.Seconds, req.VideoPercent)
	})
}

// postComplete marks a lesson complete; an empty body means {"done":true}.
func (a *API) postComplete(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	req := CompleteRequest{Done: true}
	if r.ContentLength != 0 && r.Header.Get("Content-Type") != "" {
		if err := decodeJSON(w, r, &req); err != nil {
			return err
		}
	}
	p, err := a.courses.Progress.CompleteLesson(r.Context(), caller(r), id, req.Done)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, p)
}

func (a *API) getProgress(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	u := caller(r)
	userID := u.ID
	if s := r.URL.Query().Get("user_id"); s != "" {
		if userID, err = strconv.ParseInt(s, 10, 64); err != nil || userID <= 0 {
			return lms.FieldError("user_id", "user_id must be a user's id.")
		}
	}
	p, err := a.courses.Progress.CourseProgress(r.Context(), u, id, userID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, p)
}

func (a *API) getProgressReport(w http.ResponseWriter, r *http.Request) error {
	return onIDJSON(w, r, a.courses.Progress.ProgressReport)
}

// getProgressCSV writes the report as a CSV download. It is built in
// memory first so a failure is still a problem document, not half a file.
func (a *API) getProgressCSV(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := a.courses.Progress.WriteProgressCSV(r.Context(), caller(r), id, &buf); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="progress-`+strconv.FormatInt(id, 10)+`.csv"`)
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(buf.Bytes())
	return nil
}
