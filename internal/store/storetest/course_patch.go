package storetest

import (
	"testing"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
)

func ptr[T any](v T) *T { return &v }

var coursePatchTests = map[string]func(*testing.T, store.Store){
	"a patch writes only the fields it sets": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		c := &lms.Course{Title: "Algebra", Code: "MA101", Description: "d", Visibility: lms.CourseDraft,
			JoinCode: "CODE1", JoinEnabled: true, Listed: true, EnrolMode: lms.EnrolOpen}
		noErr(t, s.CreateCourse(ctx, c), "CreateCourse")
		got, err := s.PatchCourse(ctx, c.ID, lms.CoursePatch{Title: ptr("Algebra II")})
		noErr(t, err, "PatchCourse title")
		// Someone else changes the visibility, from the same stale copy.
		got2, err := s.PatchCourse(ctx, c.ID, lms.CoursePatch{Visibility: ptr(lms.CoursePublished),
			EndsAt: ptr(base.Add(48 * time.Hour)), JoinEnabled: ptr(false)})
		noErr(t, err, "PatchCourse visibility")
		want := *c
		want.Title, want.Visibility, want.EndsAt, want.JoinEnabled = "Algebra II", lms.CoursePublished, base.Add(48*time.Hour), false
		want.UpdatedAt = got2.UpdatedAt
		diff(t, "after two patches", got2, &want)
		if got.Title != "Algebra II" || got.Visibility != lms.CourseDraft {
			t.Fatalf("first patch returned %+v", got)
		}
		read, err := s.CourseByID(ctx, c.ID)
		noErr(t, err, "CourseByID")
		diff(t, "read back", read, &want)
	},
	"a patch sets and clears the join code and may not take another course's": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		a := &lms.Course{Title: "A", Visibility: lms.CoursePublished, JoinCode: "TAKEN"}
		noErr(t, s.CreateCourse(ctx, a), "CreateCourse a")
		b := newCourse(t, s, "b", 0)
		_, err := s.PatchCourse(ctx, b.ID, lms.CoursePatch{JoinCode: ptr("taken")})
		wantCode(t, err, lms.ECONFLICT)
		got, err := s.PatchCourse(ctx, b.ID, lms.CoursePatch{JoinCode: ptr("NEW1")})
		noErr(t, err, "PatchCourse join code")
		if got.JoinCode != "NEW1" {
			t.Fatalf("join code = %q", got.JoinCode)
		}
		_, err = s.PatchCourse(ctx, 9999, lms.CoursePatch{Title: ptr("x")})
		wantCode(t, err, lms.ENOTFOUND)
	},
}
