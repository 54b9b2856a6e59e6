package api

import (
	"bytes"
	"net/http"
	"strconv"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/reports"
)

// reportDay reads a day query parameter: a date (2026-09-01) or an RFC
// 3339 time; absent is the zero time.
func reportDay(r *http.Request, name string) (time.Time, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.DateOnly, v); err == nil {
		return t, nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return time.Time{}, lms.FieldError(name, "%s must be a day like 2026-09-01.", name)
	}
	return t, nil
}

// engagement reads and computes the engagement report of the request.
func (a *API) engagement(r *http.Request) (*reports.Engagement, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	from, err := reportDay(r, "from")
	if err != nil {
		return nil, err
	}
	to, err := reportDay(r, "to")
	if err != nil {
		return nil, err
	}
	return a.reports.Engagement(r.Context(), caller(r), id, from, to)
}

// writeTable answers one table of rep as a CSV download named
// base-<table>.csv; the table is ?table= (default def).
func writeTable(w http.ResponseWriter, r *http.Request, rep reports.Tabler, base, def string) error {
	name := r.URL.Query().Get("table")
	if name == "" {
		name = def
	}
	t, ok := reports.FindTable(rep, name)
	if !ok {
		return lms.FieldError("table", "There is no table %q here; there are %v.", name, reports.TableNames(rep))
	}
	var buf bytes.Buffer
	if err := reports.WriteCSV(&buf, t); err != nil {
		return err
	}
	return writeCSV(w, base+"-"+t.Name+".csv", buf.Bytes())
}

func (a *API) getEngagement(w http.ResponseWriter, r *http.Request) error {
	rep, err := a.engagement(r)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, rep)
}

func (a *API) getEngagementCSV(w http.ResponseWriter, r *http.Request) error {
	rep, err := a.engagement(r)
	if err != nil {
		return err
	}
	return writeTable(w, r, rep, "engagement-"+strconv.FormatInt(rep.CourseID, 10), "days")
}

func (a *API) performance(r *http.Request) (*reports.Performance, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	return a.reports.Performance(r.Context(), caller(r), id)
}

func (a *API) getPerformance(w http.ResponseWriter, r *http.Request) error {
	rep, err := a.performance(r)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, rep)
}

func (a *API) getPerformanceCSV(w http.ResponseWriter, r *http.Request) error {
	rep, err := a.performance(r)
	if err != nil {
		return err
	}
	return writeTable(w, r, rep, "performance-"+strconv.FormatInt(rep.CourseID, 10), "grades")
}

func (a *API) atRisk(r *http.Request) (*reports.AtRisk, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	return a.reports.AtRisk(r.Context(), caller(r), id)
}

func (a *API) getAtRisk(w http.ResponseWriter, r *http.Request) error {
	rep, err := a.atRisk(r)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, rep)
}

func (a *API) getAtRiskCSV(w http.ResponseWriter, r *http.Request) error {
	rep, err := a.atRisk(r)
	if err != nil {
		return err
	}
	return writeTable(w, r, rep, "at-risk-"+strconv.FormatInt(rep.CourseID, 10), "at_risk")
}

func (a *API) postReportMessage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req MessageRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	n, err := a.reports.Message(r.Context(), caller(r), id, req.UserIDs, req.Text)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, MessageResult{Sent: n})
}

func (a *API) learnerReport(r *http.Request) (*reports.LearnerReport, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	uid, err := pathID(r, "user_id")
	if err != nil {
		return nil, err
	}
	return a.reports.Learner(r.Context(), caller(r), id, uid)
}

func (a *API) getLearnerReport(w http.ResponseWriter, r *http.Request) error {
	rep, err := a.learnerReport(r)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, rep)
}

func (a *API) getLearnerReportCSV(w http.ResponseWriter, r *http.Request) error {
	rep, err := a.learnerReport(r)
	if err != nil {
		return err
	}
	return writeTable(w, r, rep, "learner-"+strconv.FormatInt(rep.CourseID, 10)+"-"+rep.Username, "grades")
}

func (a *API) getQuestionLessons(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ids, err := a.reports.QuestionLessons(r.Context(), caller(r), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, QuestionLessons{LessonIDs: ids})
}

func (a *API) putQuestionLessons(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req QuestionLessons
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	ids, err := a.reports.SetQuestionLessons(r.Context(), caller(r), id, req.LessonIDs)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, QuestionLessons{LessonIDs: ids})
}

func (a *API) getSiteReport(w http.ResponseWriter, r *http.Request) error {
	rep, err := a.reports.Site(r.Context(), caller(r))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, rep)
}

func (a *API) getSiteReportCSV(w http.ResponseWriter, r *http.Request) error {
	rep, err := a.reports.Site(r.Context(), caller(r))
	if err != nil {
		return err
	}
	return writeTable(w, r, rep, "site", "site")
}

func (a *API) getCourseQuestionLessons(w http.ResponseWriter, r *http.Request) error {
	items, next, err := pageByID(r, a.reports.CourseQuestionLessons)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, CourseQuestionLessonsList{Items: items, NextCursor: next})
}
