package storetest

import (
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
)

// newCategory creates a question category of c under parent.
func newCategory(t *testing.T, s store.Store, c *lms.Course, parent int64, name string) *lms.QuestionCategory {
	t.Helper()
	cat := &lms.QuestionCategory{CourseID: c.ID, ParentID: parent, Name: name}
	noErr(t, s.CreateCategory(ctxOf(t), cat), "CreateCategory")
	return cat
}

// newTF creates a true/false question in cat.
func newTF(t *testing.T, s store.Store, cat *lms.QuestionCategory, title, text string, tags ...string) *lms.Question {
	t.Helper()
	q := &lms.Question{CourseID: cat.CourseID, CategoryID: cat.ID, Type: lms.QTrueFalse, Title: title, TextMD: text,
		DefaultPoints: 1, Tags: tags, Body: lms.QuestionBody{TrueFalse: &lms.TrueFalseBody{Answer: true}}}
	noErr(t, s.CreateQuestion(ctxOf(t), q), "CreateQuestion")
	return q
}

func questionID(q *lms.Question) int64 { return q.ID }

// newQuizOf creates a deferred quiz of c asking qs.
func newQuizOf(t *testing.T, s store.Store, c *lms.Course, qs ...*lms.Question) *lms.Quiz {
	t.Helper()
	qz := &lms.Quiz{CourseID: c.ID, Title: "Quiz", GradingMethod: lms.GradeHighest, Behaviour: lms.BehaviourDeferred}
	for _, q := range qs {
		qz.Slots = append(qz.Slots, lms.QuizSlot{FamilyID: q.FamilyID, Points: 2})
	}
	noErr(t, s.CreateQuiz(ctxOf(t), qz), "CreateQuiz")
	return qz
}

// startAttempt creates attempt number n of u on qz asking qs.
func startAttempt(t *testing.T, s store.Store, qz *lms.Quiz, u *lms.User, n int, deadline time.Time, qs ...*lms.Question) (*lms.Attempt, []*lms.AttemptSlot) {
	t.Helper()
	a := &lms.Attempt{QuizID: qz.ID, CourseID: qz.CourseID, UserID: u.ID, Number: n, State: lms.AttemptOpen,
		StartedAt: base, Deadline: deadline, MaxPoints: float64(2 * len(qs))}
	var slots []*lms.AttemptSlot
	for i, q := range qs {
		slots = append(slots, &lms.AttemptSlot{Slot: i, QuestionID: q.ID, MaxPoints: 2})
	}
	noErr(t, s.CreateAttempt(ctxOf(t), a, slots), "CreateAttempt")
	return a, slots
}

var assessTests = map[string]func(*testing.T, store.Store){
	"a quiz's latest questions load at once and an attempt's grades save at once": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		u, l := newUser(t, s, "ann"), newUser(t, s, "lea")
		c := newCourse(t, s, "C", u.ID)
		cat := newCategory(t, s, c, 0, "A")
		q1, q2, gone := newTF(t, s, cat, "One", "1"), newTF(t, s, cat, "Two", "2"), newTF(t, s, cat, "Gone", "3")
		v2 := &lms.Question{CourseID: c.ID, CategoryID: cat.ID, FamilyID: q2.FamilyID, Type: lms.QTrueFalse, Title: "Two",
			TextMD: "2 again", DefaultPoints: 1, Body: lms.QuestionBody{TrueFalse: &lms.TrueFalseBody{Answer: false}}}
		noErr(t, s.AddQuestionVersion(ctx, v2), "AddQuestionVersion")
		noErr(t, s.DeleteQuestionFamily(ctx, gone.FamilyID, true), "DeleteQuestionFamily")
		latest, err := s.LatestQuestions(ctx, []int64{q1.FamilyID, q2.FamilyID, gone.FamilyID, 9999})
		noErr(t, err, "LatestQuestions")
		got := ids(latest, questionID)
		slices.Sort(got)
		diff(t, "latest versions", got, []int64{q1.ID, v2.ID})
		if none, err := s.LatestQuestions(ctx, nil); err != nil || len(none) != 0 {
			t.Fatalf("LatestQuestions(nil) = %v, %v", none, err)
		}

		qz := newQuizOf(t, s, c, q1, v2)
		a, slots := startAttempt(t, s, qz, l, 1, time.Time{}, q1, v2, q1)
		other, _ := startAttempt(t, s, qz, u, 1, time.Time{}, q1, v2, q1)
		yes := true
		slots[1].Response, slots[1].SavedAt = &lms.Response{Bool: &yes}, base
		noErr(t, s.UpdateAttemptSlot(ctx, slots[1]), "UpdateAttemptSlot")
		slots[0].State, slots[0].Fraction, slots[0].Points = "correct", 1, 2
		slots[1].State, slots[1].Fraction, slots[1].Points = "partial", 0.25, 0.5
		slots[2].State, slots[2].Fraction, slots[2].Points = "wrong", 0, 0
		noErr(t, s.SaveSlotGrades(ctx, a.ID, slots), "SaveSlotGrades")
		back, err := s.AttemptSlots(ctx, a.ID)
		noErr(t, err, "AttemptSlots")
		diff(t, "graded slots (the answer kept)", back, slots)
		untouched, err := s.AttemptSlots(ctx, other.ID)
		noErr(t, err, "AttemptSlots")
		for _, sl := range untouched {
			if sl.State != "" || sl.Points != 0 {
				t.Fatalf("another attempt's slot changed: %+v", sl)
			}
		}
		noErr(t, s.SaveSlotGrades(ctx, a.ID, nil), "SaveSlotGrades of nothing")
	},
	"a course with quiz attempts is deleted with everything in it": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		u, l := newUser(t, s, "ann"), newUser(t, s, "lea")
		c := newCourse(t, s, "C", u.ID)
		q := newTF(t, s, newCategory(t, s, c, 0, "A"), "Sun", "text")
		a, _ := startAttempt(t, s, newQuizOf(t, s, c, q), l, 1, base.Add(time.Minute), q)
		noErr(t, s.DeleteCourse(ctx, c.ID), "DeleteCourse")
		_, err := s.AttemptByID(ctx, a.ID)
		wantCode(t, err, lms.ENOTFOUND)
	},
	"categories nest, list by course and count their contents": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		u := newUser(t, s, "ann")
		c, other := newCourse(t, s, "C", u.ID), newCourse(t, s, "D", u.ID)
		top := newCategory(t, s, c, 0, "Unit 1")
		sub := newCategory(t, s, c, top.ID, "Week <b>2</b>'; DROP TABLE x; --")
		newCategory(t, s, other, 0, "Other")
		got, err := s.ListCategories(ctx, c.ID)
		noErr(t, err, "ListCategories")
		diff(t, "categories", got, []*lms.QuestionCategory{top, sub})
		newTF(t, s, sub, "q", "text")
		nq, nsub, err := s.CountCategoryContents(ctx, top.ID)
		noErr(t, err, "CountCategoryContents")
		if nq != 0 || nsub != 1 {
			t.Fatalf("top holds %d questions and %d subcategories, want 0 and 1", nq, nsub)
		}
		sub.Name, sub.ParentID = "Renamed", 0
		noErr(t, s.UpdateCategory(ctx, sub), "UpdateCategory")
		back, err := s.CategoryByID(ctx, sub.ID)
		noErr(t, err, "CategoryByID")
		diff(t, "renamed", back, sub)
		wantCode(t, s.CreateCategory(ctx, &lms.QuestionCategory{CourseID: c.ID, ParentID: sub.ID + 1000, Name: "x"}), lms.ENOTFOUND)
		noErr(t, s.DeleteCategory(ctx, top.ID), "DeleteCategory")
		_, err = s.CategoryByID(ctx, top.ID)
		wantCode(t, err, lms.ENOTFOUND)
	},
	"questions are versioned, searched, tagged, moved and deleted": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		u := newUser(t, s, "ann")
		c := newCourse(t, s, "C", u.ID)
		cat, cat2 := newCategory(t, s, c, 0, "A"), newCategory(t, s, c, 0, "B")
		q1 := newTF(t, s, cat, "Sun", "The **Sun** is a star <script>x</script>", "Astro", "easy")
		q2 := newTF(t, s, cat, "Moon", "Ünïcode MOON'; DROP TABLE questions; --", "astro")
		if q1.FamilyID != q1.ID || q1.Version != 1 {
			t.Fatalf("first version: family %d version %d, want %d and 1", q1.FamilyID, q1.Version, q1.ID)
		}
		back, err := s.QuestionByID(ctx, q1.ID)
		noErr(t, err, "QuestionByID")
		diff(t, "question", back, q1)
		v2 := *q1
		v2.TextMD = "The Sun is a G-type star."
		noErr(t, s.AddQuestionVersion(ctx, &v2), "AddQuestionVersion")
		if v2.ID == q1.ID || v2.Version != 2 || v2.FamilyID != q1.ID {
			t.Fatalf("second version: id %d family %d version %d", v2.ID, v2.FamilyID, v2.Version)
		}
		latest, err := s.LatestQuestion(ctx, q1.FamilyID)
		noErr(t, err, "LatestQuestion")
		diff(t, "latest", latest, &v2)
		old, err := s.QuestionByID(ctx, q1.ID)
		noErr(t, err, "QuestionByID old")
		diff(t, "old version kept", old, q1)
		list, total, err := s.ListQuestions(ctx, lms.QuestionFilter{CourseID: c.ID})
		noErr(t, err, "ListQuestions")
		if total != 2 {
			t.Fatalf("total %d, want 2", total)
		}
		diff(t, "current versions", ids(list, questionID), []int64{q2.ID, v2.ID})
		for _, tc := range []struct {
			f    lms.QuestionFilter
			want []int64
		}{
			{lms.QuestionFilter{Tag: "ASTRO"}, []int64{q2.ID, v2.ID}},
			{lms.QuestionFilter{Tag: "easy"}, []int64{v2.ID}},
			{lms.QuestionFilter{Tag: "eas"}, nil},
			{lms.QuestionFilter{Query: "g-TYPE"}, []int64{v2.ID}},
			{lms.QuestionFilter{Query: "ünïcode moon"}, []int64{q2.ID}},
			{lms.QuestionFilter{Query: "'; DROP"}, []int64{q2.ID}},
			{lms.QuestionFilter{Query: "%"}, nil},
			{lms.QuestionFilter{Type: lms.QSingle}, nil},
			{lms.QuestionFilter{CategoryID: cat2.ID}, nil},
		} {
			tc.f.CourseID = c.ID
			got, _, err := s.ListQuestions(ctx, tc.f)
			noErr(t, err, "ListQuestions")
			if tc.want == nil {
				tc.want = []int64{}
			}
			diff(t, "filter "+tc.f.Query+tc.f.Tag, ids(got, questionID), tc.want)
		}
		v2.Title = "Sun (fixed)"
		noErr(t, s.UpdateQuestion(ctx, &v2), "UpdateQuestion")
		noErr(t, s.MoveQuestionFamilies(ctx, []int64{q1.FamilyID}, cat2.ID), "MoveQuestionFamilies")
		moved, err := s.QuestionByID(ctx, q1.ID)
		noErr(t, err, "QuestionByID")
		if moved.CategoryID != cat2.ID {
			t.Fatalf("old version in category %d, want %d", moved.CategoryID, cat2.ID)
		}
		got, err := s.LatestQuestionIDs(ctx, cat2.ID)
		noErr(t, err, "LatestQuestionIDs")
		diff(t, "latest ids", got, []int64{v2.ID})
		noErr(t, s.DeleteQuestionFamily(ctx, q1.FamilyID, true), "soft delete")
		_, err = s.LatestQuestion(ctx, q1.FamilyID)
		wantCode(t, err, lms.ENOTFOUND)
		if _, err := s.QuestionByID(ctx, v2.ID); err != nil {
			t.Fatalf("a soft-deleted version must stay readable: %v", err)
		}
		noErr(t, s.DeleteQuestionFamily(ctx, q2.FamilyID, false), "delete")
		_, err = s.QuestionByID(ctx, q2.ID)
		wantCode(t, err, lms.ENOTFOUND)
		byIDs, err := s.QuestionsByIDs(ctx, []int64{q1.ID, v2.ID, q2.ID})
		noErr(t, err, "QuestionsByIDs")
		if len(byIDs) != 2 {
			t.Fatalf("QuestionsByIDs gave %d, want 2", len(byIDs))
		}
	},
	"quizzes and overrides read back": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		u, l := newUser(t, s, "ann"), newUser(t, s, "lea")
		c := newCourse(t, s, "C", u.ID)
		cat := newCategory(t, s, c, 0, "A")
		q := newTF(t, s, cat, "Sun", "text")
		lesson := newLesson(t, s, c, "Quiz lesson")
		qz := &lms.Quiz{CourseID: c.ID, LessonID: lesson.ID, Title: "Week 1 <i>quiz</i>", IntroMD: "Read **this**",
			Slots:            []lms.QuizSlot{{FamilyID: q.FamilyID, Points: 2}, {CategoryID: cat.ID, Count: 1, Points: 1.5}},
			ShuffleQuestions: true, OpensAt: base, ClosesAt: base.Add(time.Hour), TimeLimitSeconds: 600,
			AttemptsAllowed: 2, GradingMethod: lms.GradeAverage, PassPercent: 50, Behaviour: lms.BehaviourInteractive,
			Review: lms.QuizReview{After: lms.ReviewOptions{Marks: true}}, AccessCode: "s3cret", CreatedBy: u.ID}
		noErr(t, s.CreateQuiz(ctx, qz), "CreateQuiz")
		back, err := s.QuizByID(ctx, qz.ID)
		noErr(t, err, "QuizByID")
		diff(t, "quiz", back, qz)
		qz.Title, qz.LessonID = "Renamed", 0
		noErr(t, s.UpdateQuiz(ctx, qz), "UpdateQuiz")
		list, err := s.ListQuizzes(ctx, c.ID)
		noErr(t, err, "ListQuizzes")
		diff(t, "quizzes", list, []*lms.Quiz{qz})
		g := &lms.Group{CourseID: c.ID, Name: "G"}
		noErr(t, s.CreateGroup(ctx, g), "CreateGroup")
		o1 := &lms.QuizOverride{QuizID: qz.ID, UserID: l.ID, TimeLimitSeconds: 900}
		o2 := &lms.QuizOverride{QuizID: qz.ID, GroupID: g.ID, ClosesAt: base.Add(2 * time.Hour), Attempts: 3}
		noErr(t, s.PutOverride(ctx, o1), "PutOverride")
		noErr(t, s.PutOverride(ctx, o2), "PutOverride")
		o3 := &lms.QuizOverride{QuizID: qz.ID, UserID: l.ID, Attempts: 5}
		noErr(t, s.PutOverride(ctx, o3), "PutOverride replaces")
		got, err := s.ListOverrides(ctx, qz.ID)
		noErr(t, err, "ListOverrides")
		diff(t, "overrides", got, []*lms.QuizOverride{o2, o3})
		noErr(t, s.DeleteOverride(ctx, qz.ID, o2.ID), "DeleteOverride")
		wantCode(t, s.DeleteOverride(ctx, qz.ID, o2.ID), lms.ENOTFOUND)
		noErr(t, s.DeleteQuiz(ctx, qz.ID), "DeleteQuiz")
		_, err = s.QuizByID(ctx, qz.ID)
		wantCode(t, err, lms.ENOTFOUND)
	},
	"attempts save answers only while open and before the deadline, and close once": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		u, l := newUser(t, s, "ann"), newUser(t, s, "lea")
		c := newCourse(t, s, "C", u.ID)
		cat := newCategory(t, s, c, 0, "A")
		q := newTF(t, s, cat, "Sun", "text")
		qz := newQuizOf(t, s, c, q)
		a, slots := startAttempt(t, s, qz, l, 1, base.Add(time.Minute), q)
		wantCode(t, s.CreateAttempt(ctx, &lms.Attempt{QuizID: qz.ID, CourseID: c.ID, UserID: l.ID, Number: 1,
			State: lms.AttemptOpen, StartedAt: base}, nil), lms.ECONFLICT)
		back, err := s.AttemptByID(ctx, a.ID)
		noErr(t, err, "AttemptByID")
		diff(t, "attempt", back, a)
		used, err := s.QuestionFamilyInUse(ctx, q.FamilyID)
		noErr(t, err, "QuestionFamilyInUse")
		if !used {
			t.Fatal("the question is used by an attempt")
		}
		wantCode(t, s.DeleteQuestionFamily(ctx, q.FamilyID, false), lms.ECONFLICT)
		for _, w := range []struct {
			u    *lms.User
			want bool
		}{{l, true}, {u, false}} {
			asked, err := s.QuestionAskedOf(ctx, q.ID, w.u.ID)
			noErr(t, err, "QuestionAskedOf")
			if asked != w.want {
				t.Fatalf("QuestionAskedOf(%s) = %v, want %v", w.u.Username, asked, w.want)
			}
		}
		yes := true
		ok, err := s.TouchOpenAttempt(ctx, a.ID, base.Add(30*time.Second))
		noErr(t, err, "TouchOpenAttempt")
		if !ok {
			t.Fatal("an open attempt before its deadline takes answers")
		}
		sl := slots[0]
		sl.Response, sl.Flagged, sl.SavedAt = &lms.Response{Bool: &yes, Text: "<b>x</b>'; --"}, true, base.Add(30*time.Second)
		sl.Tries = []lms.Response{{Bool: &yes}}
		noErr(t, s.UpdateAttemptSlot(ctx, sl), "UpdateAttemptSlot")
		got, err := s.AttemptSlots(ctx, a.ID)
		noErr(t, err, "AttemptSlots")
		diff(t, "slots", got, []*lms.AttemptSlot{sl})
		if ok, _ := s.TouchOpenAttempt(ctx, a.ID, base.Add(time.Minute)); ok {
			t.Fatal("an attempt at its deadline takes no answers")
		}
		var wg sync.WaitGroup
		won := make(chan bool, 8)
		for range 8 {
			wg.Go(func() {
				ok, err := s.CloseAttempt(ctx, a.ID, base.Add(time.Minute), true)
				if err != nil {
					t.Errorf("CloseAttempt: %v", err)
				}
				won <- ok
			})
		}
		wg.Wait()
		close(won)
		n := 0
		for ok := range won {
			if ok {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("%d concurrent closes won, want 1", n)
		}
		if ok, _ := s.TouchOpenAttempt(ctx, a.ID, base); ok {
			t.Fatal("a submitted attempt takes no answers")
		}
		a.Points, a.NeedsGrading = 1.5, true
		noErr(t, s.UpdateAttemptGrade(ctx, a), "UpdateAttemptGrade")
		back, err = s.AttemptByID(ctx, a.ID)
		noErr(t, err, "AttemptByID")
		if back.State != lms.AttemptSubmitted || !back.AutoSubmitted || back.Points != 1.5 || !back.NeedsGrading ||
			!back.SubmittedAt.Equal(base.Add(time.Minute)) {
			t.Fatalf("after close: %+v", back)
		}
		a2, _ := startAttempt(t, s, qz, l, 2, time.Time{}, q)
		list, err := s.ListAttempts(ctx, lms.AttemptFilter{QuizID: qz.ID, UserID: l.ID, State: lms.AttemptOpen})
		noErr(t, err, "ListAttempts")
		diff(t, "open attempts", ids(list, func(a *lms.Attempt) int64 { return a.ID }), []int64{a2.ID})
		if ok, _ := s.TouchOpenAttempt(ctx, a2.ID, base.Add(1000*time.Hour)); !ok {
			t.Fatal("an attempt without a deadline takes answers")
		}
	},
}
