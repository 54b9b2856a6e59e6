package course

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
)

func TestLockedThreadRefusesLearnersAndStoresNothing(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	yes := true
	th := f.thread.Thread
	must(f.svc.Discussion.SetThreadFlags(ctx, f.as("ta"), th.ID, ThreadFlags{Locked: &yes})).get(t)
	before := len(must(f.svc.Discussion.GetThread(ctx, f.as("learner"), th.ID)).get(t).Posts)
	_, err := f.svc.Discussion.Reply(ctx, f.as("learner"), th.ID, 0, "let me in")
	wantCode(t, err, lms.EFORBIDDEN)
	_, err = f.svc.Discussion.EditPost(ctx, f.as("learner"), f.thread.Posts[0].ID, "edited")
	wantCode(t, err, lms.EFORBIDDEN)
	if after := len(must(f.svc.Discussion.GetThread(ctx, f.as("learner"), th.ID)).get(t).Posts); after != before {
		t.Fatalf("%d posts after a refused reply, want %d", after, before)
	}
	must(f.svc.Discussion.Reply(ctx, f.as("instructor"), th.ID, 0, "Closing note")).get(t)
}

func TestRepliesNestTwoLevelsAndNotify(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	th := f.thread.Thread
	// f.reply (TA, depth 1) answers the learner's opening post.
	deep := must(f.svc.Discussion.Reply(ctx, f.as("learner"), th.ID, f.reply.ID, "Thanks @ta and @instructor!")).get(t)
	if deep.Depth != 2 {
		t.Fatalf("depth = %d, want 2", deep.Depth)
	}
	top := must(f.svc.Discussion.Reply(ctx, f.as("ta"), th.ID, 0, "A reply to the thread")).get(t)
	if top.Depth != 1 || top.ParentID == 0 {
		t.Fatalf("a reply to the thread = %+v, want depth 1 under the opening post", top)
	}
	deeper := must(f.svc.Discussion.Reply(ctx, f.as("instructor"), th.ID, deep.ID, "You're welcome")).get(t)
	if deeper.Depth != 2 || deeper.ParentID != f.reply.ID {
		t.Fatalf("a reply to depth 2 = %+v, want attached to its parent at depth 2", deeper)
	}
	_, err := f.svc.Discussion.Reply(ctx, f.as("learner"), th.ID, 9999, "x")
	wantCode(t, err, lms.EINVALID)
	_, err = f.svc.Discussion.Reply(ctx, f.as("learner"), th.ID, 0, "   ")
	wantCode(t, err, lms.EINVALID)

	for _, who := range []string{"ta", "instructor"} {
		list, _, err := f.svc.Notifications.ListNotifications(ctx, f.as(who), true, 0, 10)
		ok(t, err)
		if len(list) == 0 || list[0].Kind != lms.NotifyMention {
			t.Fatalf("%s's notifications = %+v, want a mention", who, list)
		}
		if evs := f.pub.on(lms.FeedUser, (f.as(who).ID)); len(evs) == 0 {
			t.Fatalf("no notification published to %s", who)
		}
	}
	// The learner is told about the instructor's reply to their post.
	list, _, err := f.svc.Notifications.ListNotifications(ctx, f.as("learner"), true, 0, 10)
	ok(t, err)
	if len(list) == 0 || list[0].Kind != lms.NotifyReply {
		t.Fatalf("learner's notifications = %+v, want a reply", list)
	}
	// It carries the deep link to the reply.
	if link := fmt.Sprintf(`"link":"/courses/%d/discussion/%d#post-%d"`, th.CourseID, th.ID, deeper.ID); !strings.Contains(list[0].Payload, link) {
		t.Fatalf("reply payload %s, want %s", list[0].Payload, link)
	}
	if evs := f.pub.on(lms.FeedThread, (th.ID)); len(evs) < 2 || evs[len(evs)-1].Kind != EventPostCreated {
		t.Fatalf("thread events = %+v", evs)
	}
	// The forum's thread list hears of each reply, and of new threads.
	evs := f.pub.on(lms.FeedForum, (th.ForumID))
	if len(evs) == 0 || evs[len(evs)-1].Kind != EventPostCreated || evs[len(evs)-1].Post.ThreadID != th.ID {
		t.Fatalf("forum events after the replies = %+v", evs)
	}
	nt, err := f.svc.Discussion.CreateThread(ctx, f.as("learner"), th.ForumID, "Another question", "Why?")
	ok(t, err)
	evs = f.pub.on(lms.FeedForum, (th.ForumID))
	if last := evs[len(evs)-1]; last.Kind != EventThreadCreated || last.Thread.ID != nt.Thread.ID {
		t.Fatalf("forum events after a new thread = %+v", evs)
	}
}

func TestMentionsOnlyReachMembers(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	must(f.svc.Discussion.Reply(ctx, f.as("learner"), f.thread.Thread.ID, 0, "@outsider @newbie @learner look")).get(t)
	for _, u := range []*lms.User{f.as("outsider"), f.newbie, f.as("learner")} {
		list, _, err := f.svc.Notifications.ListNotifications(ctx, u, false, 0, 10)
		ok(t, err)
		for _, n := range list {
			if n.Kind == lms.NotifyMention {
				t.Fatalf("%s was notified of a mention: %+v", u.Username, n)
			}
		}
	}
}

func TestRepeatedMentionNotifiesOnce(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	ta := f.as("ta")
	mentions := func() int {
		list, _, err := f.svc.Notifications.ListNotifications(ctx, ta, false, 0, 50)
		ok(t, err)
		n := 0
		for _, x := range list {
			if x.Kind == lms.NotifyMention {
				n++
			}
		}
		return n
	}
	before := mentions()
	must(f.svc.Discussion.Reply(ctx, f.as("learner"), f.thread.Thread.ID, 0, "@ta @TA and again @ta.")).get(t)
	if got := mentions() - before; got != 1 {
		t.Fatalf("ta got %d mention notifications for one post, want 1", got)
	}
}

func TestEditWindowAndTombstones(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	learner := f.as("learner")
	p := f.thread.Posts[0]
	edited := must(f.svc.Discussion.EditPost(ctx, learner, p.ID, "How do I <script>x()</script>?")).get(t)
	if edited.EditedAt.IsZero() || strings.Contains(edited.BodyHTML, "<script") {
		t.Fatalf("edited post = %+v", edited)
	}
	f.clock.Advance(DefaultEditWindow + time.Second)
	_, err := f.svc.Discussion.EditPost(ctx, learner, p.ID, "too late")
	wantCode(t, err, lms.EFORBIDDEN)
	ok(t, f.svc.Discussion.DeletePost(ctx, f.as("ta"), p.ID))
	wantCode(t, f.svc.Discussion.DeletePost(ctx, learner, p.ID), lms.ENOTFOUND)
	view := must(f.svc.Discussion.GetThread(ctx, learner, f.thread.Thread.ID)).get(t)
	if !view.Posts[0].Deleted() || view.Posts[0].BodyMD != "" || len(view.Posts) != 2 {
		t.Fatalf("after delete: %+v", view.Posts)
	}
	_, err = f.svc.Discussion.MarkAnswer(ctx, learner, f.thread.Thread.ID, p.ID)
	wantCode(t, err, lms.EINVALID)
	th := must(f.svc.Discussion.MarkAnswer(ctx, learner, f.thread.Thread.ID, f.reply.ID)).get(t)
	if th.AnswerPostID != f.reply.ID {
		t.Fatalf("answer = %d", th.AnswerPostID)
	}
	threads, _, err := f.svc.Discussion.ListThreads(ctx, f.as("instructor"), f.forum.ID, 10, 0)
	ok(t, err)
	if len(threads) != 1 || !threads[0].Unread {
		t.Fatalf("instructor's threads = %+v, want one unread", threads)
	}
}

func TestChatMessagesRules(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	learner := f.as("learner")
	in := SendInput{RoomID: f.room.ID, Body: "hello", IdemKey: "retry-1"}
	s1, err := f.svc.Chat.SendMessage(ctx, learner, in)
	ok(t, err)
	s2, err := f.svc.Chat.SendMessage(ctx, learner, in)
	ok(t, err)
	m1, m2 := s1.Message, s2.Message
	if !s1.Created || s2.Created || m1.ID != m2.ID {
		t.Fatalf("retry: %v %v ids %d %d", s1.Created, s2.Created, m1.ID, m2.ID)
	}
	if s1.Position == nil || s2.Position != nil {
		t.Fatalf("positions %v, %v: want the first send's only", s1.Position, s2.Position)
	}
	created3 := 0
	for _, ev := range f.pub.on(lms.FeedRoom, (f.room.ID)) {
		if ev.Kind == EventMessageCreated && ev.Message.ID == m1.ID {
			created3++
		}
	}
	if created3 != 1 {
		t.Fatalf("message announced %d times, want once", created3)
	}
	_, err = f.svc.Chat.SendMessage(ctx, learner, SendInput{RoomID: f.room.ID, Body: strings.Repeat("é", lms.MaxMessageChars+1)})
	wantCode(t, err, lms.ETOOLARGE)
	_, err = f.svc.Chat.SendMessage(ctx, learner, SendInput{RoomID: f.room.ID, Body: " "})
	wantCode(t, err, lms.EINVALID)
	_, err = f.svc.Chat.SendMessage(ctx, learner, SendInput{RoomID: f.room.ID, Body: "x", ReplyTo: 9999})
	wantCode(t, err, lms.EINVALID)
	_, err = f.svc.Chat.SendMessage(ctx, learner, SendInput{RoomID: f.room.ID, Body: "x", IdemKey: strings.Repeat("k", 65)})
	wantCode(t, err, lms.EINVALID)
	must(f.svc.Chat.EditMessage(ctx, learner, m1.ID, "hello!")).get(t)
	_, err = f.svc.Chat.EditMessage(ctx, f.as("ta"), m1.ID, "hijack")
	wantCode(t, err, lms.EFORBIDDEN)

	ok(t, f.svc.Chat.MuteInRoom(ctx, f.as("ta"), f.room.ID, MuteInput{UserID: learner.ID, Seconds: seconds(time.Minute)}))
	_, err = f.svc.Chat.SendMessage(ctx, learner, SendInput{RoomID: f.room.ID, Body: "muted?"})
	wantCode(t, err, lms.EFORBIDDEN)
	if e := err.(*lms.Error); e.RetryAfterSeconds <= 0 {
		t.Fatalf("muted error without RetryAfterSeconds: %+v", e)
	}
	wantCode(t, f.svc.Chat.MuteInRoom(ctx, f.as("instructor"), f.room.ID, MuteInput{UserID: f.as("ta").ID, Seconds: seconds(time.Minute)}), lms.EFORBIDDEN)
	f.clock.Advance(time.Minute + time.Second)
	_, err = f.svc.Chat.SendMessage(ctx, learner, SendInput{RoomID: f.room.ID, Body: "back"})
	ok(t, err)

	msgs, _, err := f.svc.Chat.History(ctx, f.as("ta"), lms.MessageFilter{RoomID: f.room.ID, Limit: 2})
	ok(t, err)
	if len(msgs) != 2 || msgs[1].Body != "back" {
		t.Fatalf("history = %+v", msgs)
	}
	older, _, err := f.svc.Chat.History(ctx, f.as("ta"), lms.MessageFilter{RoomID: f.room.ID, BeforeID: msgs[0].ID})
	ok(t, err)
	if len(older) != 1 || older[0].ID != f.message.ID {
		t.Fatalf("older = %+v", older)
	}
	// Unread, read state and "seen by".
	rooms := must(f.svc.Chat.ListRooms(ctx, f.as("ta"), f.a.ID)).get(t)
	if rooms[0].Unread != 3 {
		t.Fatalf("TA's unread = %d, want 3", rooms[0].Unread)
	}
	must(f.svc.Chat.MarkRoomRead(ctx, f.as("ta"), f.room.ID, m1.ID)).get(t)
	seen := must(f.svc.Chat.MessageSeenBy(ctx, learner, m1.ID)).get(t)
	if seen.Seen != 1 || seen.Members != 2 || seen.UserIDs[0] != f.as("ta").ID {
		t.Fatalf("seen by = %+v, want the TA of 2", seen)
	}
	wantCode(t, f.svc.Chat.DeleteRoom(ctx, f.as("instructor"), f.room.ID), lms.EINVALID)
}

func TestArchivedCourseIsReadOnlyForLearners(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	must(f.svc.Courses.SetVisibility(ctx, f.as("instructor"), f.a.ID, lms.CourseArchived)).get(t)
	_, err := f.svc.Chat.SendMessage(ctx, f.as("learner"), SendInput{RoomID: f.room.ID, Body: "hi"})
	wantCode(t, err, lms.EFORBIDDEN)
	_, err = f.svc.Discussion.Reply(ctx, f.as("learner"), f.thread.Thread.ID, 0, "hi")
	wantCode(t, err, lms.EFORBIDDEN)
	must(f.svc.Content.GetLesson(ctx, f.as("learner"), f.lesson.ID)).get(t)
}

// png is a minimal PNG header: enough for content sniffing.
var png = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00")

func TestUploadsTypeSizeAccessAndSweep(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	ins, learner := f.as("instructor"), f.as("learner")
	_, err := f.svc.Uploads.SaveUpload(ctx, ins, f.a.ID, "evil.png", strings.NewReader("<html><script>x</script></html>"))
	wantCode(t, err, lms.EUNSUPPORTED)
	_, err = f.svc.Uploads.SaveUpload(ctx, ins, f.a.ID, "big.png", io.MultiReader(bytes.NewReader(png), bytes.NewReader(make([]byte, 2<<10))))
	wantCode(t, err, lms.ETOOLARGE) // the fixture limits images to 1 KiB
	_, err = f.svc.Uploads.SaveUpload(ctx, ins, f.a.ID, "empty.txt", strings.NewReader(""))
	wantCode(t, err, lms.EINVALID)

	up := must(f.svc.Uploads.SaveUpload(ctx, ins, f.a.ID, "dot.png", bytes.NewReader(png))).get(t)
	if up.ContentType != "image/png" || up.Size != int64(len(png)) {
		t.Fatalf("upload = %+v", up)
	}
	again := must(f.svc.Uploads.SaveUpload(ctx, learner, f.a.ID, "copy.png", bytes.NewReader(png))).get(t)
	if again.ID != up.ID {
		t.Fatal("the same content was stored twice")
	}
	// Not referenced yet: only the owner (and admins) may read it.
	_, _, err = f.svc.Uploads.OpenUpload(ctx, f.as("ta"), up.ID)
	wantCode(t, err, lms.ENOTFOUND)
	must(f.svc.Content.UpdateLesson(ctx, ins, f.lesson.ID, LessonInput{Title: "Intro",
		BodyMD: "![dot](" + UploadURL(up.ID) + ")"})).get(t)
	_, file, err := f.svc.Uploads.OpenUpload(ctx, learner, up.ID)
	ok(t, err)
	data, err := io.ReadAll(file)
	_ = file.Close()
	ok(t, err)
	if !bytes.Equal(data, png) {
		t.Fatal("the stored file differs")
	}
	_, _, err = f.svc.Uploads.OpenUpload(ctx, f.as("outsider"), up.ID)
	wantCode(t, err, lms.ENOTFOUND)

	// Deleting the lesson drops the reference; the sweep removes the file
	// after the grace period, not before.
	ok(t, f.svc.Content.DeleteLesson(ctx, ins, f.lesson.ID))
	if n := must(f.svc.Uploads.SweepUploads(ctx)).get(t); n != 0 {
		t.Fatalf("swept %d uploads inside the grace period", n)
	}
	f.clock.Advance(DefaultUploadGrace + time.Hour)
	if n := must(f.svc.Uploads.SweepUploads(ctx)).get(t); n != 1 {
		t.Fatalf("swept %d uploads, want 1", n)
	}
	_, _, err = f.svc.Uploads.OpenUpload(ctx, ins, up.ID)
	wantCode(t, err, lms.ENOTFOUND)
}

func TestCoverImageIsVisibleToMembersAndKept(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	ins := f.as("instructor")
	up := f.withCover(CourseInput{Title: "With a cover"})
	_, file, err := f.svc.Uploads.OpenUpload(ctx, f.as("learner"), up.ID)
	ok(t, err)
	_ = file.Close()
	_, _, err = f.svc.Uploads.OpenUpload(ctx, f.as("outsider"), up.ID)
	wantCode(t, err, lms.ENOTFOUND)
	must(f.svc.Courses.UpdateCourse(ctx, ins, f.a.ID, details(CourseInput{Title: "No cover"}))).get(t)
	_, _, err = f.svc.Uploads.OpenUpload(ctx, f.as("learner"), up.ID)
	wantCode(t, err, lms.ENOTFOUND)
}

// TestMuteRules checks the mute rules the service alone decides: the
// default length, the maximum, and that 0 lifts a mute.
func TestMuteRules(t *testing.T) {
	f := newFixture(t)
	ctx, ta, learner := t.Context(), f.as("ta"), f.as("learner")
	send := func() error {
		_, err := f.svc.Chat.SendMessage(ctx, learner, SendInput{RoomID: f.room.ID, Body: "hi"})
		return err
	}
	for _, bad := range []int{-1, int(MaxMuteDuration/time.Second) + 1} {
		err := f.svc.Chat.MuteInRoom(ctx, ta, f.room.ID, MuteInput{UserID: learner.ID, Seconds: &bad})
		wantCode(t, err, lms.EINVALID)
		if e := err.(*lms.Error); e.Field != "seconds" {
			t.Fatalf("mute for %d s: error field %q, want seconds", bad, e.Field)
		}
	}
	ok(t, send())
	ok(t, f.svc.Chat.MuteInRoom(ctx, ta, f.room.ID, MuteInput{UserID: learner.ID})) // the default length
	f.clock.Advance(DefaultMutePeriod - time.Second)
	wantCode(t, send(), lms.EFORBIDDEN)
	f.clock.Advance(2 * time.Second)
	ok(t, send())
	ok(t, f.svc.Chat.MuteInRoom(ctx, ta, f.room.ID, MuteInput{UserID: learner.ID, Seconds: seconds(MaxMuteDuration)}))
	wantCode(t, send(), lms.EFORBIDDEN)
	ok(t, f.svc.Chat.MuteInRoom(ctx, ta, f.room.ID, MuteInput{UserID: learner.ID, Seconds: seconds(0)}))
	ok(t, send())
}
