package api

import (
	"bytes"
	"context"
	"net/http"
	"strconv"
	"time"

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
	return writeCSV(w, "progress-"+strconv.FormatInt(id, 10)+".csv", buf.Bytes())
}

// attendanceArgs reads an attendance request: the course, and the optional
// from and to (RFC 3339).
func attendanceArgs(r *http.Request) (id int64, from, to time.Time, err error) {
	if id, err = pathID(r, "id"); err != nil {
		return 0, from, to, err
	}
	for name, t := range map[string]*time.Time{"from": &from, "to": &to} {
		if v := r.URL.Query().Get(name); v != "" {
			if *t, err = time.Parse(time.RFC3339, v); err != nil {
				return 0, from, to, lms.FieldError(name, "%s must be a time like 2026-09-01T00:00:00Z.", name)
			}
		}
	}
	return id, from, to, nil
}

// getAttendance answers the attendance of the course's live sessions.
func (a *API) getAttendance(w http.ResponseWriter, r *http.Request) error {
	id, from, to, err := attendanceArgs(r)
	if err != nil {
		return err
	}
	rep, err := a.courses.Attendance.AttendanceReport(r.Context(), caller(r), id, from, to)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, rep)
}

// getAttendanceCSV writes the attendance as a CSV download.
func (a *API) getAttendanceCSV(w http.ResponseWriter, r *http.Request) error {
	id, from, to, err := attendanceArgs(r)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := a.courses.Attendance.WriteAttendanceCSV(r.Context(), caller(r), id, from, to, &buf); err != nil {
		return err
	}
	return writeCSV(w, "attendance-"+strconv.FormatInt(id, 10)+".csv", buf.Bytes())
}

// writeCSV sends a CSV download built in memory.
func writeCSV(w http.ResponseWriter, filename string, data []byte) error {
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(data)
	return nil
}
