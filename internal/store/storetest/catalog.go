package storetest

import (
	"testing"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
)

// listedCourse creates a course titled title with the visibility and
// listing given, its description desc.
func listedCourse(t *testing.T, s store.Store, title, desc string, vis lms.CourseVisibility, listed bool) *lms.Course {
	t.Helper()
	c := &lms.Course{Title: title, Description: desc, Visibility: vis, Listed: listed, EnrolMode: lms.EnrolOpen}
	noErr(t, s.CreateCourse(ctxOf(t), c), "CreateCourse "+title)
	return c
}

// catalogTitles lists the catalogue matching f and returns its titles and total.
func catalogTitles(t *testing.T, s store.Store, f lms.CatalogFilter) ([]string, int) {
	t.Helper()
	list, total, err := s.ListCatalog(ctxOf(t), f)
	noErr(t, err, "ListCatalog")
	out := []string{}
	for _, c := range list {
		out = append(out, c.Title)
	}
	return out, total
}

var catalogTests = map[string]func(*testing.T, store.Store){
	"listing and enrolment mode read back and an unset mode reads as closed": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		c := &lms.Course{Title: "Plain", Visibility: lms.CoursePublished}
		noErr(t, s.CreateCourse(ctx, c), "CreateCourse")
		if c.Listed || c.EnrolMode != lms.EnrolClosed {
			t.Fatalf("a new course is listed=%v, mode %q; want unlisted and closed", c.Listed, c.EnrolMode)
		}
		got, err := s.CourseByID(ctx, c.ID)
		noErr(t, err, "CourseByID")
		diff(t, "CourseByID", got, c)
		c.Listed, c.EnrolMode = true, lms.EnrolApproval
		noErr(t, s.UpdateCourse(ctx, c), "UpdateCourse")
		got, err = s.CourseByID(ctx, c.ID)
		noErr(t, err, "CourseByID")
		diff(t, "CourseByID after update", got, c)
		c.EnrolMode = ""
		noErr(t, s.UpdateCourse(ctx, c), "UpdateCourse")
		if got, _ = s.CourseByID(ctx, c.ID); got.EnrolMode != lms.EnrolClosed || c.EnrolMode != lms.EnrolClosed {
			t.Fatalf("an unset mode was stored as %q (struct %q), want closed", got.EnrolMode, c.EnrolMode)
		}
	},
	"the catalogue holds only published listed courses, by title, paged with a total": func(t *testing.T, s store.Store) {
		listedCourse(t, s, "beta", "", lms.CoursePublished, true)
		listedCourse(t, s, "Alpha", "", lms.CoursePublished, true)
		listedCourse(t, s, "Charlie", "", lms.CoursePublished, true)
		listedCourse(t, s, "Draft", "", lms.CourseDraft, true)
		listedCourse(t, s, "Archived", "", lms.CourseArchived, true)
		listedCourse(t, s, "Unlisted", "", lms.CoursePublished, false)
		titles, total := catalogTitles(t, s, lms.CatalogFilter{})
		diff(t, "catalogue", titles, []string{"Alpha", "beta", "Charlie"})
		if total != 3 {
			t.Fatalf("total = %d, want 3", total)
		}
		titles, total = catalogTitles(t, s, lms.CatalogFilter{Limit: 1, Offset: 1})
		diff(t, "second page", titles, []string{"beta"})
		if total != 3 {
			t.Fatalf("total of a page = %d, want 3", total)
		}
	},
	"search matches every word in title, code, description or an active instructor's name": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		algebra := listedCourse(t, s, "Linear Algebra", "Vectors and matrices", lms.CoursePublished, true)
		rings := listedCourse(t, s, "Abstract structures", "Groups and RINGS, 100% proofs", lms.CoursePublished, true)
		coded := &lms.Course{Title: "Poetry", Code: "LIT-7", Visibility: lms.CoursePublished, Listed: true}
		noErr(t, s.CreateCourse(ctx, coded), "CreateCourse")
		zoe, ivy, ted := newUser(t, s, "zoe"), newUser(t, s, "ivy"), newUser(t, s, "ted")
		enrol(t, s, algebra, zoe, lms.CourseInstructor)
		enrol(t, s, rings, ted, lms.CourseTA)
		noErr(t, s.PutEnrollment(ctx, &lms.Enrollment{CourseID: rings.ID, UserID: ivy.ID, Role: lms.CourseInstructor,
			Status: lms.EnrollPending}), "PutEnrollment pending")
		cases := map[string][]string{
			"algebra":         {"Linear Algebra"},
			"MATRICES":        {"Linear Algebra"},
			"rings":           {"Abstract structures"},
			"lit-7":           {"Poetry"},
			"Name zoe":        {"Linear Algebra"}, // an instructor's name
			"zoe":             {"Linear Algebra"}, // and username
			"ted":             {},                 // a TA is not an instructor
			"ivy":             {},                 // a pending instructor is not shown
			"algebra vectors": {"Linear Algebra"},
			"algebra rings":   {}, // every word must match
			"100%":            {"Abstract structures"},
			"_":               {}, // LIKE wildcards are literal
			"  ":              {"Abstract structures", "Linear Algebra", "Poetry"},
		}
		for q, want := range cases {
			titles, total := catalogTitles(t, s, lms.CatalogFilter{Query: q})
			diff(t, "search "+q, titles, want)
			if total != len(want) {
				t.Fatalf("search %q: total %d, want %d", q, total, len(want))
			}
		}
	},
	"instructors and a user's enrolments are read for a set of courses": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		a := listedCourse(t, s, "A", "", lms.CoursePublished, true)
		b := listedCourse(t, s, "B", "", lms.CoursePublished, true)
		c := listedCourse(t, s, "C", "", lms.CoursePublished, true)
		ann, bob, cat, lea := newUser(t, s, "ann"), newUser(t, s, "bob"), newUser(t, s, "cat"), newUser(t, s, "lea")
		enrol(t, s, b, bob, lms.CourseInstructor)
		enrol(t, s, b, ann, lms.CourseInstructor)
		enrol(t, s, a, cat, lms.CourseInstructor)
		enrol(t, s, c, ann, lms.CourseTA)
		enrol(t, s, a, lea, lms.CourseLearner)
		noErr(t, s.PutEnrollment(ctx, &lms.Enrollment{CourseID: c.ID, UserID: lea.ID, Role: lms.CourseLearner,
			Status: lms.EnrollPending}), "PutEnrollment pending")

		ins, err := s.CourseInstructors(ctx, []int64{c.ID, b.ID, a.ID})
		noErr(t, err, "CourseInstructors")
		type who struct {
			Course int64
			User   string
		}
		var got []who
		for _, e := range ins {
			got = append(got, who{e.CourseID, e.Username})
		}
		diff(t, "instructors", got, []who{{a.ID, "cat"}, {b.ID, "ann"}, {b.ID, "bob"}})
		if ins[0].Name != cat.Name {
			t.Fatalf("instructor name = %q, want %q", ins[0].Name, cat.Name)
		}

		mine, err := s.UserEnrollments(ctx, lea.ID, []int64{a.ID, b.ID, c.ID})
		noErr(t, err, "UserEnrollments")
		if len(mine) != 2 || mine[0].CourseID != a.ID || mine[0].Status != lms.EnrollActive ||
			mine[1].CourseID != c.ID || mine[1].Status != lms.EnrollPending {
			t.Fatalf("lea's enrolments = %+v, want active in A and pending in C", mine)
		}
		for _, ids := range [][]int64{nil, {}} {
			none, err := s.CourseInstructors(ctx, ids)
			noErr(t, err, "CourseInstructors of none")
			mine, err := s.UserEnrollments(ctx, lea.ID, ids)
			noErr(t, err, "UserEnrollments of none")
			if none == nil || len(none) != 0 || mine == nil || len(mine) != 0 {
				t.Fatalf("no courses: %v and %v, want two empty lists", none, mine)
			}
		}
	},
}
