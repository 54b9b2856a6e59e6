package reports

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// Table is one table of a report as text: what the page shows behind each
// chart and what its CSV link downloads.
type Table struct {
	Name   string     `json:"name"`
	Header []string   `json:"header"`
	Rows   [][]string `json:"rows"`
}

// Tabler is a report with tables.
type Tabler interface{ Tables() []Table }

// FindTable returns the report's table called name.
func FindTable(r Tabler, name string) (Table, bool) {
	for _, t := range r.Tables() {
		if t.Name == name {
			return t, true
		}
	}
	return Table{}, false
}

// TableNames lists the report's tables.
func TableNames(r Tabler) []string {
	var out []string
	for _, t := range r.Tables() {
		out = append(out, t.Name)
	}
	return out
}

// WriteCSV writes t as CSV; text cells a spreadsheet would run as a formula
// are quoted with a leading apostrophe.
func WriteCSV(w io.Writer, t Table) error {
	cw := csv.NewWriter(w)
	_ = cw.Write(t.Header)
	for _, row := range t.Rows {
		safe := make([]string, len(row))
		for i, c := range row {
			safe[i] = csvSafe(c)
		}
		_ = cw.Write(safe)
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write %s csv: %w", t.Name, err)
	}
	return nil
}

// csvSafe defuses a cell a spreadsheet would read as a formula (numbers,
// negative ones included, are written by us and start with a digit or '-'
// followed by a digit).
func csvSafe(s string) string {
	if s == "" {
		return s
	}
	if _, err := strconv.ParseFloat(s, 64); err == nil {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

func itoa[T ~int | ~int64](n T) string { return strconv.FormatInt(int64(n), 10) }

func ftoa(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func day(t time.Time) string { return t.UTC().Format(time.DateOnly) }

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// Tables are the engagement report's tables: days, lessons, modules, live.
func (r *Engagement) Tables() []Table {
	days := Table{Name: "days", Header: []string{"day", "active_learners", "lesson_views", "lesson_minutes", "posts", "messages"}}
	for _, d := range r.Days {
		days.Rows = append(days.Rows, []string{day(d.Day), itoa(d.Active), itoa(d.Views), itoa((d.Seconds + 30) / 60),
			itoa(d.Posts), itoa(d.Messages)})
	}
	lessons := Table{Name: "lessons", Header: []string{"lesson_id", "module", "lesson", "views", "learners", "minutes"}}
	for _, l := range r.Lessons {
		lessons.Rows = append(lessons.Rows, []string{itoa(l.LessonID), l.Module, l.Title, itoa(l.Views), itoa(l.Learners), itoa(l.Minutes)})
	}
	modules := Table{Name: "modules", Header: []string{"module_id", "module", "lessons", "learners", "started", "completed",
		"started_percent", "completed_percent"}}
	for _, m := range r.Modules {
		modules.Rows = append(modules.Rows, []string{itoa(m.ModuleID), m.Title, itoa(m.Lessons), itoa(m.Learners), itoa(m.Started),
			itoa(m.Completed), itoa(m.StartedPercent), itoa(m.CompletedPercent)})
	}
	live := Table{Name: "live", Header: []string{"session_id", "room", "started_at", "people", "minutes"}}
	for _, s := range r.Live {
		live.Rows = append(live.Rows, []string{itoa(s.SessionID), s.Room, stamp(s.StartedAt), itoa(s.People), itoa(s.Minutes)})
	}
	return []Table{days, lessons, modules, live}
}

// binHeader names the distribution's bands.
func binHeader() []string {
	out := make([]string, Bins)
	for i := range out {
		out[i] = fmt.Sprintf("pct_%d_%d", i*10, i*10+9)
	}
	out[Bins-1] = "pct_90_100"
	return out
}

func binCells(d Distribution) []string {
	out := []string{itoa(d.Count), ftoa(d.Mean), ftoa(d.Median)}
	for _, n := range d.Bins {
		out = append(out, itoa(n))
	}
	return out
}

// Tables are the performance report's tables: grades (one row per item
// and one for the course total) and questions (quiz item analysis).
func (r *Performance) Tables() []Table {
	g := Table{Name: "grades", Header: append([]string{"item_id", "item", "max_points", "count", "mean_percent", "median_percent"},
		binHeader()...)}
	for _, it := range r.Items {
		g.Rows = append(g.Rows, append([]string{itoa(it.ItemID), it.Title, ftoa(it.MaxPoints)}, binCells(it.Distribution)...))
	}
	g.Rows = append(g.Rows, append([]string{"", "Course total", "100"}, binCells(r.Total)...))
	q := Table{Name: "questions", Header: []string{"quiz_id", "quiz", "quiz_attempts", "quiz_mean_percent", "question", "asked",
		"facility_percent", "discrimination"}}
	for _, qz := range r.Quizzes {
		for _, qq := range qz.Questions {
			disc := ""
			if qq.Discrimination != nil {
				disc = strconv.FormatFloat(*qq.Discrimination, 'f', 2, 64)
			}
			q.Rows = append(q.Rows, []string{itoa(qz.QuizID), qz.Title, itoa(qz.Attempts), ftoa(qz.MeanPercent), qq.Title,
				itoa(qq.Asked), strconv.FormatFloat(qq.Facility, 'f', 1, 64), disc})
		}
	}
	return []Table{g, q}
}

// Tables are the at-risk table: one row per flagged learner.
func (r *AtRisk) Tables() []Table {
	t := Table{Name: "at_risk", Header: []string{"user_id", "username", "name", "last_activity", "missed", "course_percent", "reasons"}}
	for _, l := range r.Learners {
		pct := ""
		if l.Percent != nil {
			pct = ftoa(round1(*l.Percent))
		}
		texts := make([]string, len(l.Reasons))
		for i, x := range l.Reasons {
			texts[i] = x.Text
		}
		t.Rows = append(t.Rows, []string{itoa(l.UserID), l.Username, l.Name, stamp(l.LastActivity), itoa(len(l.Missed)), pct,
			strings.Join(texts, " ")})
	}
	return []Table{t}
}

// Tables are the learner report's tables: grades, review, timeline.
func (r *LearnerReport) Tables() []Table {
	g := Table{Name: "grades", Header: []string{"item_id", "item", "points", "max_points", "excused"}}
	for _, x := range r.Grades {
		pts := ""
		if x.Points != nil {
			pts = ftoa(*x.Points)
		}
		g.Rows = append(g.Rows, []string{itoa(x.ItemID), x.Title, pts, ftoa(x.MaxPoints), strconv.FormatBool(x.Excused)})
	}
	rv := Table{Name: "review", Header: []string{"lesson_id", "lesson", "questions"}}
	for _, x := range r.Review {
		rv.Rows = append(rv.Rows, []string{itoa(x.LessonID), x.Title, strings.Join(x.Questions, "; ")})
	}
	tl := Table{Name: "timeline", Header: []string{"at", "kind", "title", "minutes", "count", "points", "max_points"}}
	for _, e := range r.Timeline {
		tl.Rows = append(tl.Rows, []string{stamp(e.At), e.Kind, e.Title, itoa((e.Seconds + 30) / 60), itoa(e.Count),
			ftoa(e.Points), ftoa(e.MaxPoints)})
	}
	return []Table{g, rv, tl}
}

// Tables is the site report as one table of figures.
func (r *Site) Tables() []Table {
	return []Table{{Name: "site", Header: []string{"figure", "value"}, Rows: [][]string{
		{"users", itoa(r.Users)}, {"active_day", itoa(r.ActiveDay)}, {"active_week", itoa(r.ActiveWeek)},
		{"active_month", itoa(r.ActiveMonth)}, {"courses", itoa(r.Courses)}, {"uploads", itoa(r.Uploads)},
		{"storage_bytes", itoa(r.StorageBytes)}, {"live_connections", itoa(r.Connections)},
	}}}
}
