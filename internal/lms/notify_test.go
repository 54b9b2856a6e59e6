package lms

import "testing"

func TestNotificationLinkLeadsToTheThing(t *testing.T) {
	cases := []struct {
		kind string
		p    map[string]any
		want string
	}{
		{NotifyReply, map[string]any{"course_id": int64(3), "thread_id": int64(7), "post_id": int64(9)}, "/courses/3/discussion/7#post-9"},
		{NotifyMention, map[string]any{"course_id": 3.0, "room_id": 4.0}, "/courses/3/rooms/4"},
		{NotifyLessonReleased, map[string]any{"course_id": 3, "lesson_id": 5}, "/courses/3/lessons/5"},
		{NotifyDueSoon, map[string]any{"course_id": 3, "assignment_id": 8}, "/courses/3/assignments/8"},
		{NotifyQuizOpens, map[string]any{"course_id": 3, "quiz_id": 2}, "/courses/3/quizzes/2"},
		{NotifyGrade, map[string]any{"course_id": 3, "source": "quiz", "source_id": 2}, "/courses/3/quizzes/2"},
		{NotifyGrade, map[string]any{"course_id": 3, "source": "manual"}, "/courses/3/grades"},
		{NotifyJoinRequest, map[string]any{"course_id": 3}, "/courses/3/people"},
		{NotifyJoinDeclined, map[string]any{"course_id": 3}, "/catalogue"},
		{NotifyEnrolled, map[string]any{"course_id": "3"}, "/courses/3"},
		{NotifyMention, map[string]any{}, ""},
	}
	for _, c := range cases {
		if got := NotificationLink(c.kind, c.p); got != c.want {
			t.Errorf("NotificationLink(%s, %v) = %q, want %q", c.kind, c.p, got, c.want)
		}
	}
}

func TestEveryNotifyKindHasALabelAndAValidDefault(t *testing.T) {
	seen := map[string]bool{}
	for _, k := range NotifyKinds {
		if k.Name == "" || k.Label == "" || !k.Email.Valid() || seen[k.Name] {
			t.Errorf("kind %+v", k)
		}
		seen[k.Name] = true
		if got, ok := NotifyKindByName(k.Name); !ok || got != k {
			t.Errorf("NotifyKindByName(%s) = %+v, %v", k.Name, got, ok)
		}
	}
	if _, ok := NotifyKindByName("nope"); ok {
		t.Error("an unknown kind was found")
	}
}
