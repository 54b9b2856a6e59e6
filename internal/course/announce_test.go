package course

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// pending returns the announcements waiting in the outbox.
func (f *fixture) pending() []*lms.Announcement {
	f.t.Helper()
	list, err := f.st.PendingOutbox(f.t.Context(), time.Now().Add(time.Hour), lms.MaxPageSize)
	ok(f.t, err)
	return list
}

func TestAStoredChangeIsInTheOutboxWithItsAnnouncement(t *testing.T) {
	f := newFixture(t)
	before := len(f.pending())
	sent := must(f.svc.Chat.SendMessage(t.Context(), f.as("learner"), SendInput{RoomID: f.room.ID, Body: "stored", IdemKey: "o1"})).get(t)
	list := f.pending()
	if len(list) != before+1 {
		t.Fatalf("%d announcements pending, want %d", len(list), before+1)
	}
	a := list[len(list)-1]
	var ev Event
	ok(t, json.Unmarshal(a.Data, &ev))
	if a.Feed != (lms.Feed{Kind: lms.FeedRoom, ID: f.room.ID}) || ev.Kind != EventMessageCreated || ev.Message.ID != sent.Message.ID {
		t.Fatalf("outbox has %+v %+v, want the message on its room", a.Feed, ev)
	}
	if got := f.pub.on(lms.FeedRoom, f.room.ID); len(got) == 0 || got[len(got)-1].Message.ID != sent.Message.ID {
		t.Fatalf("the message was not handed to the live layer after the commit")
	}
	if sent.Position == nil {
		t.Errorf("no position for a message delivered live")
	}
}

func TestAnUndeliveredAnnouncementStaysForTheRelay(t *testing.T) {
	f := newFixture(t)
	f.pub.fail = errors.New("broker down")
	before := len(f.pending())
	sent := must(f.svc.Chat.SendMessage(t.Context(), f.as("learner"), SendInput{RoomID: f.room.ID, Body: "later", IdemKey: "o2"})).get(t)
	if !sent.Created || sent.Position != nil {
		t.Fatalf("sent %+v: want stored, without a live position", sent)
	}
	if n := len(f.pending()); n != before+1 {
		t.Fatalf("%d announcements pending, want %d", n, before+1)
	}
	msgs, _, err := f.svc.Chat.History(t.Context(), f.as("ta"), lms.MessageFilter{RoomID: f.room.ID})
	ok(t, err)
	if msgs[len(msgs)-1].ID != sent.Message.ID {
		t.Fatalf("the message is not in the history")
	}
}

func TestAFailedChangeAnnouncesNothing(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	ok(t, f.svc.Chat.DeleteMessage(ctx, f.as("learner"), f.message.ID))
	before, delivered := len(f.pending()), len(f.pub.on(lms.FeedRoom, f.room.ID))
	_, err := f.svc.Chat.EditMessage(ctx, f.as("learner"), f.message.ID, "edit a tombstone")
	wantCode(t, err, lms.ENOTFOUND)
	if n := len(f.pending()); n != before {
		t.Fatalf("%d announcements pending, want %d", n, before)
	}
	if n := len(f.pub.on(lms.FeedRoom, f.room.ID)); n != delivered {
		t.Fatalf("%d announcements delivered, want %d", n, delivered)
	}
}

func TestAccessChangesAreAnnounced(t *testing.T) {
	cases := []struct {
		name  string
		act   func(ctx context.Context, f *fixture) error
		users func(f *fixture) []int64 // whose access changed (0: everyone's)
	}{
		{"a member is removed", func(ctx context.Context, f *fixture) error {
			return f.svc.Enrolment.RemoveMember(ctx, f.as("instructor"), f.a.ID, f.as("learner").ID)
		}, func(f *fixture) []int64 { return []int64{f.as("learner").ID} }},
		{"a member leaves", func(ctx context.Context, f *fixture) error {
			return f.svc.Enrolment.Unenrol(ctx, f.as("ta"), f.a.ID)
		}, func(f *fixture) []int64 { return []int64{f.as("ta").ID} }},
		{"a TA is demoted", func(ctx context.Context, f *fixture) error {
			_, err := f.svc.Enrolment.SetRole(ctx, f.as("instructor"), f.a.ID, f.as("ta").ID, lms.CourseLearner)
			return err
		}, func(f *fixture) []int64 { return []int64{f.as("ta").ID} }},
		{"a member is enrolled again with another role", func(ctx context.Context, f *fixture) error {
			_, err := f.svc.Enrolment.Enrol(ctx, f.as("instructor"), f.a.ID, "ta", lms.CourseLearner)
			return err
		}, func(f *fixture) []int64 { return []int64{f.as("ta").ID} }},
		{"a member is moved to a group", func(ctx context.Context, f *fixture) error {
			return f.svc.Enrolment.AssignGroup(ctx, f.as("instructor"), f.a.ID, f.as("learner").ID, f.group.ID)
		}, func(f *fixture) []int64 { return []int64{f.as("learner").ID} }},
		{"a learner joins a group", func(ctx context.Context, f *fixture) error {
			return f.svc.Enrolment.JoinGroup(ctx, f.as("learner"), f.a.ID, f.group.ID)
		}, func(f *fixture) []int64 { return []int64{f.as("learner").ID} }},
		{"a group is deleted", func(ctx context.Context, f *fixture) error {
			return f.svc.Enrolment.DeleteGroup(ctx, f.as("instructor"), f.group.ID)
		}, func(*fixture) []int64 { return []int64{0} }},
		{"the course goes back to draft", func(ctx context.Context, f *fixture) error {
			_, err := f.svc.Courses.SetVisibility(ctx, f.as("instructor"), f.a.ID, lms.CourseDraft)
			return err
		}, func(*fixture) []int64 { return []int64{0} }},
		{"a room is deleted", func(ctx context.Context, f *fixture) error {
			return f.svc.Chat.DeleteRoom(ctx, f.as("instructor"), f.extra.ID)
		}, func(*fixture) []int64 { return []int64{0} }},
		{"a thread is deleted", func(ctx context.Context, f *fixture) error {
			return f.svc.Discussion.DeleteThread(ctx, f.as("ta"), f.thread.Thread.ID)
		}, func(*fixture) []int64 { return []int64{0} }},
		{"a forum is deleted", func(ctx context.Context, f *fixture) error {
			return f.svc.Discussion.DeleteForum(ctx, f.as("instructor"), f.forum.ID)
		}, func(*fixture) []int64 { return []int64{0} }},
		{"the course is deleted", func(ctx context.Context, f *fixture) error {
			return f.svc.Courses.DeleteCourse(ctx, f.as("instructor"), f.a.ID)
		}, func(*fixture) []int64 { return []int64{0} }},
	}
	for _, tc := range cases {
		t.Run(tc.name+" re-checks the access", func(t *testing.T) {
			f := newFixture(t)
			ok(t, tc.act(t.Context(), f))
			if got, want := f.pub.accessChanges(f.a.ID), tc.users(f); !slices.Equal(got, want) {
				t.Fatalf("access changes %v, want %v", got, want)
			}
		})
	}
	t.Run("a new member needs no re-check", func(t *testing.T) {
		f := newFixture(t)
		must(f.svc.Enrolment.Enrol(t.Context(), f.as("instructor"), f.a.ID, "newbie", lms.CourseLearner)).get(t)
		if got := f.pub.accessChanges(f.a.ID); len(got) != 0 {
			t.Fatalf("access changes %v, want none", got)
		}
	})
}
