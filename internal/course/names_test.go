package course

import (
	"encoding/json"
	"testing"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// People are shown by their display names; usernames travel alongside for
// @mentions and profiles (issue 7, item 12).
func TestAuthorsCarryNameAndUsername(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	learner := f.as("learner")
	want := func(t *testing.T, what, name, username string) {
		t.Helper()
		if name != learner.Name || username != learner.Username {
			t.Errorf("%s: author %q / %q, want name %q and username %q", what, name, username, learner.Name, learner.Username)
		}
	}

	sent, err := f.svc.Chat.SendMessage(ctx, learner, SendInput{RoomID: f.room.ID, Body: "hello @ta", IdemKey: "n1"})
	ok(t, err)
	want(t, "the sent message", sent.Message.AuthorName, sent.Message.AuthorUsername)
	evs := f.pub.on(lms.FeedRoom, f.room.ID)
	ev := evs[len(evs)-1].Message
	want(t, "the announced message", ev.AuthorName, ev.AuthorUsername)

	tv, err := f.svc.Discussion.CreateThread(ctx, learner, f.thread.Thread.ForumID, "Names", "Who am I, @ta?")
	ok(t, err)
	want(t, "the new thread", tv.Thread.AuthorName, tv.Thread.AuthorUsername)
	want(t, "its opening post", tv.Posts[0].AuthorName, tv.Posts[0].AuthorUsername)
	p, err := f.svc.Discussion.Reply(ctx, learner, tv.Thread.ID, 0, "Me.")
	ok(t, err)
	want(t, "the reply", p.AuthorName, p.AuthorUsername)

	list, _, err := f.svc.Notifications.ListNotifications(ctx, f.as("ta"), true, 0, 10)
	ok(t, err)
	if len(list) == 0 {
		t.Fatal("the TA was not notified of the mentions")
	}
	for _, n := range list {
		if n.Kind != lms.NotifyMention && n.Kind != lms.NotifyReply {
			continue
		}
		var payload struct {
			By     string `json:"by"`
			ByName string `json:"by_name"`
		}
		ok(t, json.Unmarshal([]byte(n.Payload), &payload))
		if payload.By != learner.Username || payload.ByName != learner.Name {
			t.Errorf("a %s notification names its sender by %q / %q, want %q / %q", n.Kind, payload.By,
				payload.ByName, learner.Username, learner.Name)
		}
	}
}
