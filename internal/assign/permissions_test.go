package assign

import (
	"bytes"
	"context"
	"slices"
	"testing"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// permCase is one method run as every actor on a fresh fixture with a
// published assignment (a) and a learner's submission to it (sub).
type permCase struct {
	name  string
	allow []string
	run   func(ctx context.Context, f *fixture, u *lms.User, a *lms.Assignment, sub *lms.Submission) error
}

func errOnly[T any](_ T, err error) error { return err }

var (
	members = []string{"learner", "ta", "instructor", "admin"}
	graders = []string{"ta", "instructor", "admin"}
	editors = []string{"instructor", "admin"}
)

var permCases = []permCase{
	{"create", editors, func(ctx context.Context, f *fixture, u *lms.User, _ *lms.Assignment, _ *lms.Submission) error {
		return errOnly(f.svc.Create(ctx, u, f.course.ID, Input{Title: "New", MaxPoints: 1, OnlineText: true}))
	}},
	{"update", editors, func(ctx context.Context, f *fixture, u *lms.User, a *lms.Assignment, _ *lms.Submission) error {
		return errOnly(f.svc.Update(ctx, u, a.ID, Input{Title: "Renamed", MaxPoints: 1, OnlineText: true}))
	}},
	{"delete", editors, func(ctx context.Context, f *fixture, u *lms.User, a *lms.Assignment, _ *lms.Submission) error {
		return f.svc.Delete(ctx, u, a.ID)
	}},
	{"get", members, func(ctx context.Context, f *fixture, u *lms.User, a *lms.Assignment, _ *lms.Submission) error {
		return errOnly(f.svc.Get(ctx, u, a.ID))
	}},
	{"list", members, func(ctx context.Context, f *fixture, u *lms.User, _ *lms.Assignment, _ *lms.Submission) error {
		return errOnly(f.svc.List(ctx, u, f.course.ID))
	}},
	{"late penalty", members, func(ctx context.Context, f *fixture, u *lms.User, a *lms.Assignment, _ *lms.Submission) error {
		return errOnly(f.svc.LatePenalty(ctx, u, a.ID))
	}},
	{"submit", []string{"learner"}, func(ctx context.Context, f *fixture, u *lms.User, a *lms.Assignment, _ *lms.Submission) error {
		return errOnly(f.svc.Submit(ctx, u, a.ID, Work{Text: "mine"}))
	}},
	{"my submission", members, func(ctx context.Context, f *fixture, u *lms.User, a *lms.Assignment, _ *lms.Submission) error {
		return errOnly(f.svc.MySubmission(ctx, u, a.ID))
	}},
	{"submissions table", graders, func(ctx context.Context, f *fixture, u *lms.User, a *lms.Assignment, _ *lms.Submission) error {
		return errOnly(f.svc.Submissions(ctx, u, a.ID, Filter{}))
	}},
	{"versions", graders, func(ctx context.Context, f *fixture, u *lms.User, _ *lms.Assignment, sub *lms.Submission) error {
		return errOnly(f.svc.Versions(ctx, u, sub.ID))
	}},
	{"grade", graders, func(ctx context.Context, f *fixture, u *lms.User, _ *lms.Assignment, sub *lms.Submission) error {
		return errOnly(f.svc.Grade(ctx, u, sub.ID, Marking{Score: ptr(1.0)}))
	}},
	{"release", graders, func(ctx context.Context, f *fixture, u *lms.User, a *lms.Assignment, _ *lms.Submission) error {
		return errOnly(f.svc.Release(ctx, u, a.ID, nil))
	}},
	{"resync", graders, func(ctx context.Context, f *fixture, u *lms.User, a *lms.Assignment, _ *lms.Submission) error {
		return errOnly(f.svc.Resync(ctx, u, a.ID))
	}},
	{"grant an extension", graders, func(ctx context.Context, f *fixture, u *lms.User, a *lms.Assignment, _ *lms.Submission) error {
		return errOnly(f.svc.GrantExtension(ctx, u, a.ID, f.as("learner3").ID, ExtensionInput{DueAt: a.DueAt.Add(time.Hour)}))
	}},
	{"revoke an extension", graders, func(ctx context.Context, f *fixture, u *lms.User, a *lms.Assignment, _ *lms.Submission) error {
		if _, err := f.svc.GrantExtension(ctx, f.as("instructor"), a.ID, f.as("learner3").ID,
			ExtensionInput{DueAt: a.DueAt.Add(time.Hour)}); err != nil {
			return err
		}
		return f.svc.RevokeExtension(ctx, u, a.ID, f.as("learner3").ID)
	}},
	{"list extensions", graders, func(ctx context.Context, f *fixture, u *lms.User, a *lms.Assignment, _ *lms.Submission) error {
		return errOnly(f.svc.Extensions(ctx, u, a.ID))
	}},
	{"download all", graders, func(ctx context.Context, f *fixture, u *lms.User, a *lms.Assignment, _ *lms.Submission) error {
		return f.svc.DownloadAll(ctx, u, a.ID, &bytes.Buffer{})
	}},
}

func TestPermissions(t *testing.T) {
	for _, c := range permCases {
		for _, who := range actors {
			t.Run(c.name+"/"+who, func(t *testing.T) {
				f := newFixture(t)
				a := f.create(t, Input{})
				sub := must(f.svc.Submit(t.Context(), f.as("learner2"), a.ID, Work{Text: "theirs", Final: true})).of(t)
				err := c.run(t.Context(), f, f.as(who), a, sub)
				want := ""
				switch {
				case slices.Contains(c.allow, who):
				case who == "anonymous":
					want = lms.EUNAUTHORIZED
				case who == "outsider":
					want = lms.ENOTFOUND
				default:
					want = lms.EFORBIDDEN
				}
				wantCode(t, err, want)
			})
		}
	}
}

func TestDraftAssignmentsAreHiddenFromLearners(t *testing.T) {
	f := newFixture(t)
	a := f.create(t, Input{Draft: true})
	_, err := f.svc.Get(t.Context(), f.as("learner"), a.ID)
	wantCode(t, err, lms.ENOTFOUND)
	_, err = f.svc.Submit(t.Context(), f.as("learner"), a.ID, Work{Text: "x"})
	wantCode(t, err, lms.ENOTFOUND)
	if list := must(f.svc.List(t.Context(), f.as("learner"), f.course.ID)).of(t); len(list) != 0 {
		t.Fatalf("learner lists %d drafts", len(list))
	}
	if list := must(f.svc.List(t.Context(), f.as("ta"), f.course.ID)).of(t); len(list) != 1 {
		t.Fatalf("TA lists %d", len(list))
	}
}
