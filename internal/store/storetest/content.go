package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
)

// newModule appends a module titled title to c.
func newModule(t *testing.T, s store.Store, c *lms.Course, title string) *lms.Module {
	t.Helper()
	m := &lms.Module{CourseID: c.ID, Title: title}
	noErr(t, s.CreateModule(ctxOf(t), m), "CreateModule")
	return m
}

// newLesson appends a published lesson titled title to c's first module,
// creating the module when c has none.
func newLesson(t *testing.T, s store.Store, c *lms.Course, title string) *lms.Lesson {
	t.Helper()
	mods, err := s.ListModules(ctxOf(t), c.ID)
	noErr(t, err, "ListModules")
	if len(mods) == 0 {
		mods = append(mods, newModule(t, s, c, "Module"))
	}
	return addLesson(t, s, mods[0], title)
}

// addLesson appends a published lesson titled title to m.
func addLesson(t *testing.T, s store.Store, m *lms.Module, title string) *lms.Lesson {
	t.Helper()
	l := &lms.Lesson{ModuleID: m.ID, Title: title, BodyMD: "# " + title, BodyHTML: "<h1>" + title + "</h1>"}
	noErr(t, s.CreateLesson(ctxOf(t), l), "CreateLesson")
	return l
}

func moduleID(m *lms.Module) int64 { return m.ID }
func lessonID(l *lms.Lesson) int64 { return l.ID }

// layoutOf reads the course's current layout.
func layoutOf(t *testing.T, s store.Store, courseID int64) []lms.ModuleLayout {
	t.Helper()
	ctx := ctxOf(t)
	mods, err := s.ListModules(ctx, courseID)
	noErr(t, err, "ListModules")
	lessons, err := s.ListLessons(ctx, courseID, false)
	noErr(t, err, "ListLessons")
	out := []lms.ModuleLayout{}
	for i, m := range mods {
		if m.Position != i+1 {
			t.Fatalf("module %d has position %d, want %d", m.ID, m.Position, i+1)
		}
		ml := lms.ModuleLayout{ModuleID: m.ID, LessonIDs: []int64{}}
		for _, l := range lessons {
			if l.ModuleID == m.ID {
				ml.LessonIDs = append(ml.LessonIDs, l.ID)
				if l.Position != len(ml.LessonIDs) {
					t.Fatalf("lesson %d has position %d, want %d", l.ID, l.Position, len(ml.LessonIDs))
				}
			}
		}
		out = append(out, ml)
	}
	return out
}

var contentTests = map[string]func(*testing.T, store.Store){
	"modules and lessons append in order and read back": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		c := newCourse(t, s, "a", 0)
		m1, m2 := newModule(t, s, c, "One"), newModule(t, s, c, "Two")
		if m1.Position != 1 || m2.Position != 2 || m1.CreatedAt.IsZero() {
			t.Fatalf("modules: %+v %+v", m1, m2)
		}
		l := &lms.Lesson{ModuleID: m2.ID, Title: "Intro", BodyMD: "**hi**", BodyHTML: "<p><strong>hi</strong></p>",
			Draft: true, AvailableFrom: base, RequiresPrevious: true,
			CompletionRule: lms.CompleteVideo, CompletionPercent: 80}
		noErr(t, s.CreateLesson(ctx, l), "CreateLesson")
		if l.ID == 0 || l.CourseID != c.ID || l.Position != 1 {
			t.Fatalf("CreateLesson: %+v", l)
		}
		l2 := addLesson(t, s, m2, "Next")
		l0 := addLesson(t, s, m1, "First")
		if l2.Position != 2 || l0.Position != 1 {
			t.Fatalf("positions: %d %d", l2.Position, l0.Position)
		}
		if l2.CompletionRule != lms.CompleteManual || l2.CompletionPercent != 0 {
			t.Fatalf("a lesson without a rule: %q %d, want manual 0", l2.CompletionRule, l2.CompletionPercent)
		}
		got, err := s.LessonByID(ctx, l.ID)
		noErr(t, err, "LessonByID")
		diff(t, "lesson", got, l)
		gotM, err := s.ModuleByID(ctx, m1.ID)
		noErr(t, err, "ModuleByID")
		diff(t, "module", gotM, m1)
		list, err := s.ListLessons(ctx, c.ID, false)
		noErr(t, err, "ListLessons")
		diff(t, "course order", ids(list, lessonID), []int64{l0.ID, l.ID, l2.ID})
		if list[1].BodyMD != "" || list[1].BodyHTML != "" {
			t.Fatalf("ListLessons without bodies returned a body: %+v", list[1])
		}
		withBody, err := s.ListLessons(ctx, c.ID, true)
		noErr(t, err, "ListLessons with bodies")
		diff(t, "lesson with body", withBody[1], l)
	},
	"a lesson in a missing module and missing content are not found": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		wantCode(t, s.CreateLesson(ctx, &lms.Lesson{ModuleID: 9999, Title: "x"}), lms.ENOTFOUND)
		wantCode(t, s.CreateModule(ctx, &lms.Module{CourseID: 9999, Title: "x"}), lms.ENOTFOUND)
		_, err := s.LessonByID(ctx, 9999)
		wantCode(t, err, lms.ENOTFOUND)
		_, err = s.ModuleByID(ctx, 9999)
		wantCode(t, err, lms.ENOTFOUND)
		wantCode(t, s.UpdateLesson(ctx, &lms.Lesson{ID: 9999, Title: "x"}), lms.ENOTFOUND)
		wantCode(t, s.UpdateModule(ctx, &lms.Module{ID: 9999, Title: "x"}), lms.ENOTFOUND)
		wantCode(t, s.DeleteLesson(ctx, 9999), lms.ENOTFOUND)
		wantCode(t, s.DeleteModule(ctx, 9999), lms.ENOTFOUND)
	},
	"update saves the lesson's fields, delete of a module deletes its lessons": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		c := newCourse(t, s, "a", 0)
		l := newLesson(t, s, c, "l")
		l.Title, l.BodyMD, l.BodyHTML, l.Draft = "L2", "new", "<p>new</p>", true
		l.AvailableFrom, l.RequiresPrevious = base.Add(time.Hour), true
		l.CompletionRule, l.CompletionPercent = lms.CompleteVideo, 90
		noErr(t, s.UpdateLesson(ctx, l), "UpdateLesson")
		got, err := s.LessonByID(ctx, l.ID)
		noErr(t, err, "LessonByID")
		diff(t, "lesson", got, l)
		l.CompletionRule, l.CompletionPercent = lms.CompleteViewed, 0
		noErr(t, s.UpdateLesson(ctx, l), "UpdateLesson to viewed")
		got, err = s.LessonByID(ctx, l.ID)
		noErr(t, err, "LessonByID")
		diff(t, "lesson with the viewed rule", got, l)
		m, err := s.ModuleByID(ctx, l.ModuleID)
		noErr(t, err, "ModuleByID")
		m.Title = "Renamed"
		noErr(t, s.UpdateModule(ctx, m), "UpdateModule")
		noErr(t, s.DeleteModule(ctx, m.ID), "DeleteModule")
		_, err = s.LessonByID(ctx, l.ID)
		wantCode(t, err, lms.ENOTFOUND)
	},
	"reorder applies a full layout, moving lessons between modules": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		c := newCourse(t, s, "a", 0)
		m1, m2 := newModule(t, s, c, "One"), newModule(t, s, c, "Two")
		a, b := addLesson(t, s, m1, "a"), addLesson(t, s, m1, "b")
		x := addLesson(t, s, m2, "x")
		layout := []lms.ModuleLayout{
			{ModuleID: m2.ID, LessonIDs: []int64{b.ID, x.ID}},
			{ModuleID: m1.ID, LessonIDs: []int64{a.ID}},
		}
		noErr(t, s.ReorderCourse(ctx, c.ID, layout), "ReorderCourse")
		diff(t, "layout", layoutOf(t, s, c.ID), layout)
		moved, err := s.LessonByID(ctx, b.ID)
		noErr(t, err, "LessonByID")
		if moved.ModuleID != m2.ID || moved.CourseID != c.ID {
			t.Fatalf("moved lesson: %+v", moved)
		}
	},
	"reorder with a stale layout conflicts and changes nothing": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		c := newCourse(t, s, "a", 0)
		other := newCourse(t, s, "b", 0)
		m1, m2 := newModule(t, s, c, "One"), newModule(t, s, c, "Two")
		a, b := addLesson(t, s, m1, "a"), addLesson(t, s, m2, "b")
		foreign := newLesson(t, s, other, "f")
		before := layoutOf(t, s, c.ID)
		cases := map[string][]lms.ModuleLayout{
			"a lesson missing (added since)": {{ModuleID: m1.ID, LessonIDs: []int64{a.ID}}, {ModuleID: m2.ID}},
			"a module missing":               {{ModuleID: m1.ID, LessonIDs: []int64{a.ID, b.ID}}},
			"a deleted lesson":               {{ModuleID: m1.ID, LessonIDs: []int64{a.ID, 9999}}, {ModuleID: m2.ID, LessonIDs: []int64{b.ID}}},
			"a lesson twice":                 {{ModuleID: m1.ID, LessonIDs: []int64{a.ID, b.ID}}, {ModuleID: m2.ID, LessonIDs: []int64{b.ID}}},
			"another course's lesson":        {{ModuleID: m1.ID, LessonIDs: []int64{a.ID, foreign.ID}}, {ModuleID: m2.ID}},
		}
		for name, layout := range cases {
			wantCode(t, s.ReorderCourse(ctx, c.ID, layout), lms.ECONFLICT)
			diff(t, name, layoutOf(t, s, c.ID), before)
		}
		wantCode(t, s.ReorderCourse(ctx, 9999, nil), lms.ENOTFOUND)
	},
	"search finds title and body text, drafts only when asked": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		c := newCourse(t, s, "a", 0)
		other := newCourse(t, s, "b", 0)
		t1 := newLesson(t, s, c, "Photosynthesis")
		t2 := newLesson(t, s, c, "Cells")
		t2.BodyMD = "The CHLOROPHYLL in plants"
		noErr(t, s.UpdateLesson(ctx, t2), "UpdateLesson")
		d := newLesson(t, s, c, "Chlorophyll draft")
		d.Draft = true
		noErr(t, s.UpdateLesson(ctx, d), "UpdateLesson")
		newLesson(t, s, other, "Chlorophyll elsewhere")
		got, err := s.SearchLessons(ctx, c.ID, "chlorophyll", false, 10)
		noErr(t, err, "SearchLessons")
		diff(t, "published", ids(got, lessonID), []int64{t2.ID})
		got, err = s.SearchLessons(ctx, c.ID, "chlorophyll", true, 10)
		noErr(t, err, "SearchLessons")
		diff(t, "with drafts", ids(got, lessonID), []int64{t2.ID, d.ID})
		got, err = s.SearchLessons(ctx, c.ID, "photo", false, 10)
		noErr(t, err, "SearchLessons")
		diff(t, "title", ids(got, lessonID), []int64{t1.ID})
		got, err = s.SearchLessons(ctx, c.ID, "_", false, 10)
		noErr(t, err, "SearchLessons")
		diff(t, "metacharacter", ids(got, lessonID), []int64{})
	},
}

var uploadTests = map[string]func(*testing.T, store.Store){
	"upload reads back by id and hash; a second copy of the content conflicts": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		u := &lms.Upload{Hash: "abc", Path: "uploads/ab/abc", Name: "cat.png", ContentType: "image/png", Size: 42,
			OwnerID: 3, CreatedAt: base}
		noErr(t, s.CreateUpload(ctx, u), "CreateUpload")
		got, err := s.UploadByID(ctx, u.ID)
		noErr(t, err, "UploadByID")
		diff(t, "by id", got, u)
		got, err = s.UploadByHash(ctx, "abc")
		noErr(t, err, "UploadByHash")
		diff(t, "by hash", got, u)
		wantCode(t, s.CreateUpload(ctx, &lms.Upload{Hash: "abc", Path: "p", ContentType: "x", Size: 1}), lms.ECONFLICT)
		_, err = s.UploadByHash(ctx, "nope")
		wantCode(t, err, lms.ENOTFOUND)
	},
	"references protect uploads from the sweep until dropped": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		c := newCourse(t, s, "a", 0)
		var ups []*lms.Upload
		for i := range 3 {
			u := &lms.Upload{Hash: label("h", i), Path: label("p", i), ContentType: "image/png", Size: 1,
				CreatedAt: base.Add(time.Duration(i) * time.Minute)}
			noErr(t, s.CreateUpload(ctx, u), "CreateUpload")
			ups = append(ups, u)
		}
		later := base.Add(time.Hour)
		noErr(t, s.SetUploadRefs(ctx, c.ID, "lesson:1", []int64{ups[0].ID, ups[1].ID, 9999}), "SetUploadRefs")
		noErr(t, s.SetUploadRefs(ctx, c.ID, "message:5", []int64{ups[1].ID}), "SetUploadRefs")
		refs, err := s.UploadRefs(ctx, ups[1].ID)
		noErr(t, err, "UploadRefs")
		diff(t, "refs", refs, []string{"lesson:1", "message:5"})
		sweep := func(want ...*lms.Upload) {
			t.Helper()
			got, err := s.UnreferencedUploads(ctx, later, 10)
			noErr(t, err, "UnreferencedUploads")
			diff(t, "unreferenced", ids(got, func(u *lms.Upload) int64 { return u.ID }),
				ids(want, func(u *lms.Upload) int64 { return u.ID }))
		}
		sweep(ups[2])
		// Too young to sweep even when unreferenced.
		got, err := s.UnreferencedUploads(ctx, base, 10)
		noErr(t, err, "UnreferencedUploads")
		diff(t, "young", len(got), 0)
		noErr(t, s.SetUploadRefs(ctx, c.ID, "lesson:1", []int64{ups[1].ID}), "SetUploadRefs replace")
		sweep(ups[0], ups[2])
		noErr(t, s.SetUploadRefs(ctx, c.ID, "message:5", nil), "SetUploadRefs drop")
		noErr(t, s.DeleteCourse(ctx, c.ID), "DeleteCourse")
		sweep(ups...)
		noErr(t, s.DeleteUpload(ctx, ups[0].ID), "DeleteUpload")
		wantCode(t, s.DeleteUpload(ctx, ups[0].ID), lms.ENOTFOUND)
	},
}

var progressTests = map[string]func(*testing.T, store.Store){
	"progress opens once, adds time and completes once": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		u := newUser(t, s, "u")
		c := newCourse(t, s, "a", 0)
		l := newLesson(t, s, c, "l")
		p, err := s.UpdateProgress(ctx, lms.ProgressUpdate{UserID: u.ID, LessonID: l.ID, At: base})
		noErr(t, err, "UpdateProgress open")
		want := &lms.LessonProgress{UserID: u.ID, LessonID: l.ID, CourseID: c.ID, OpenedAt: base, LastSeenAt: base}
		diff(t, "opened", p, want)
		t1 := base.Add(30 * time.Second)
		p, err = s.UpdateProgress(ctx, lms.ProgressUpdate{UserID: u.ID, LessonID: l.ID, At: t1, AddSeconds: 30})
		noErr(t, err, "UpdateProgress heartbeat")
		want.LastSeenAt, want.SecondsSpent = t1, 30
		diff(t, "heartbeat", p, want)
		t2 := t1.Add(time.Minute)
		p, err = s.UpdateProgress(ctx, lms.ProgressUpdate{UserID: u.ID, LessonID: l.ID, At: t2, AddSeconds: 10, Complete: true})
		noErr(t, err, "UpdateProgress complete")
		want.LastSeenAt, want.SecondsSpent, want.CompletedAt = t2, 40, t2
		diff(t, "completed", p, want)
		t3 := t2.Add(time.Minute)
		p, err = s.UpdateProgress(ctx, lms.ProgressUpdate{UserID: u.ID, LessonID: l.ID, At: t3, Complete: true})
		noErr(t, err, "UpdateProgress complete again")
		want.LastSeenAt = t3
		diff(t, "completed again keeps the first time", p, want)
		got, err := s.LessonProgressOf(ctx, u.ID, l.ID)
		noErr(t, err, "LessonProgressOf")
		diff(t, "read back", got, want)
		p, err = s.UpdateProgress(ctx, lms.ProgressUpdate{UserID: u.ID, LessonID: l.ID, At: t3, Uncomplete: true})
		noErr(t, err, "UpdateProgress uncomplete")
		if p.Completed() {
			t.Fatalf("still completed after Uncomplete: %+v", p)
		}
	},
	"video percent only rises and is kept within 0..100": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		u := newUser(t, s, "u")
		l := newLesson(t, s, newCourse(t, s, "a", 0), "l")
		for _, step := range []struct{ report, want int }{{40, 40}, {25, 40}, {0, 40}, {75, 75}, {250, 100}, {-5, 100}} {
			p, err := s.UpdateProgress(ctx, lms.ProgressUpdate{UserID: u.ID, LessonID: l.ID, At: base,
				VideoPercent: step.report})
			noErr(t, err, "UpdateProgress")
			if p.VideoPercent != step.want {
				t.Fatalf("after reporting %d: video percent %d, want %d", step.report, p.VideoPercent, step.want)
			}
		}
		got, err := s.LessonProgressOf(ctx, u.ID, l.ID)
		noErr(t, err, "LessonProgressOf")
		if got.VideoPercent != 100 || got.Completed() {
			t.Fatalf("read back: %+v, want 100 %% and not completed", got)
		}
	},
	"missing lesson or user is not found and lists filter by course and user": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		u, v := newUser(t, s, "u"), newUser(t, s, "v")
		c, other := newCourse(t, s, "a", 0), newCourse(t, s, "b", 0)
		l1, l2 := newLesson(t, s, c, "1"), newLesson(t, s, c, "2")
		lo := newLesson(t, s, other, "o")
		_, err := s.UpdateProgress(ctx, lms.ProgressUpdate{UserID: u.ID, LessonID: 9999, At: base})
		wantCode(t, err, lms.ENOTFOUND)
		_, err = s.UpdateProgress(ctx, lms.ProgressUpdate{UserID: 9999, LessonID: l1.ID, At: base})
		wantCode(t, err, lms.ENOTFOUND)
		_, err = s.LessonProgressOf(ctx, u.ID, l1.ID)
		wantCode(t, err, lms.ENOTFOUND)
		for _, x := range []struct{ u, l int64 }{{v.ID, l2.ID}, {u.ID, l2.ID}, {u.ID, l1.ID}, {u.ID, lo.ID}} {
			_, err := s.UpdateProgress(ctx, lms.ProgressUpdate{UserID: x.u, LessonID: x.l, At: base})
			noErr(t, err, "UpdateProgress")
		}
		key := func(p *lms.LessonProgress) [2]int64 { return [2]int64{p.UserID, p.LessonID} }
		all, err := s.ListProgress(ctx, c.ID, 0)
		noErr(t, err, "ListProgress")
		var got [][2]int64
		for _, p := range all {
			got = append(got, key(p))
		}
		diff(t, "course", got, [][2]int64{{u.ID, l1.ID}, {u.ID, l2.ID}, {v.ID, l2.ID}})
		mine, err := s.ListProgress(ctx, c.ID, v.ID)
		noErr(t, err, "ListProgress one user")
		if len(mine) != 1 || key(mine[0]) != [2]int64{v.ID, l2.ID} {
			t.Fatalf("ListProgress(v) = %+v", mine)
		}
	},
}

var uploadOwnerTests = map[string]func(*testing.T, store.Store){
	"an upload is usable by its owners and in the courses that use it": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		ann, bob, cid := newUser(t, s, "ann"), newUser(t, s, "bob"), newUser(t, s, "cid")
		a, b := newCourse(t, s, "a", ann.ID), newCourse(t, s, "b", bob.ID)
		u := &lms.Upload{Hash: "h1", Path: "p1", ContentType: "image/png", Size: 1, OwnerID: ann.ID}
		noErr(t, s.CreateUpload(ctx, u), "CreateUpload")
		noErr(t, s.AddUploadOwner(ctx, u.ID, ann.ID), "AddUploadOwner")
		noErr(t, s.AddUploadOwner(ctx, u.ID, ann.ID), "AddUploadOwner again")
		usable := func(user *lms.User, c *lms.Course) bool {
			t.Helper()
			var courseID int64
			if c != nil {
				courseID = c.ID
			}
			ok, err := s.UploadUsableBy(ctx, u.ID, user.ID, courseID)
			noErr(t, err, "UploadUsableBy")
			return ok
		}
		if !usable(ann, b) || usable(bob, b) || usable(bob, nil) {
			t.Fatal("only the owner may use a fresh upload")
		}
		noErr(t, s.SetUploadRefs(ctx, a.ID, "lesson:1", []int64{u.ID}), "SetUploadRefs")
		if !usable(cid, a) || usable(cid, b) {
			t.Fatal("an upload course A uses is usable in A only")
		}
		noErr(t, s.AddUploadOwner(ctx, u.ID, bob.ID), "AddUploadOwner bob") // bob uploaded the same bytes
		if !usable(bob, b) {
			t.Fatal("a second uploader may use the file")
		}
		wantCode(t, s.AddUploadOwner(ctx, 9999, bob.ID), lms.ENOTFOUND)
	},
	"refs in no course keep an upload from the sweep and go with the user": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		ann := newUser(t, s, "ann")
		u := &lms.Upload{Hash: "h2", Path: "p2", ContentType: "image/png", Size: 1, OwnerID: ann.ID, CreatedAt: base}
		noErr(t, s.CreateUpload(ctx, u), "CreateUpload")
		noErr(t, s.SetUploadRefs(ctx, 0, fmt.Sprintf("avatar:%d", ann.ID), []int64{u.ID}), "SetUploadRefs avatar")
		refs, err := s.UploadRefs(ctx, u.ID)
		noErr(t, err, "UploadRefs")
		if len(refs) != 1 {
			t.Fatalf("refs = %v", refs)
		}
		list, err := s.UnreferencedUploads(ctx, base.AddDate(1, 0, 0), 10)
		noErr(t, err, "UnreferencedUploads")
		if len(list) != 0 {
			t.Fatalf("an avatar was to be swept: %+v", list)
		}
		noErr(t, s.DeleteUser(ctx, ann.ID), "DeleteUser")
		list, err = s.UnreferencedUploads(ctx, base.AddDate(1, 0, 0), 10)
		noErr(t, err, "UnreferencedUploads")
		if len(list) != 1 {
			t.Fatalf("a deleted user's avatar is kept: %+v", list)
		}
	},
}
