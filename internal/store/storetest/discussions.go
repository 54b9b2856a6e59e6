package storetest

import (
	"sync"
	"testing"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
)

// newThread opens a thread titled title in f by author.
func newThread(t *testing.T, s store.Store, f *lms.Forum, author *lms.User, title string) (*lms.Thread, *lms.Post) {
	t.Helper()
	th := &lms.Thread{ForumID: f.ID, AuthorID: author.ID, Title: title}
	p := &lms.Post{AuthorID: author.ID, BodyMD: "body " + title, BodyHTML: "<p>body " + title + "</p>"}
	noErr(t, s.CreateThread(ctxOf(t), th, p), "CreateThread")
	return th, p
}

// newForum creates a forum in c.
func newForum(t *testing.T, s store.Store, c *lms.Course) *lms.Forum {
	t.Helper()
	f := &lms.Forum{CourseID: c.ID, Title: "General", Description: "Anything"}
	noErr(t, s.CreateForum(ctxOf(t), f), "CreateForum")
	return f
}

// reply posts a reply to parent (0: top level) in th.
func reply(t *testing.T, s store.Store, th *lms.Thread, author *lms.User, parent int64) *lms.Post {
	t.Helper()
	p := &lms.Post{ThreadID: th.ID, ParentID: parent, AuthorID: author.ID, BodyMD: "re", BodyHTML: "<p>re</p>"}
	noErr(t, s.CreatePost(ctxOf(t), p, false), "CreatePost")
	return p
}

func postID(p *lms.Post) int64     { return p.ID }
func threadID(t *lms.Thread) int64 { return t.ID }

var discussionTests = map[string]func(*testing.T, store.Store){
	"forums read back, update, list and delete": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		c := newCourse(t, s, "a", 0)
		f := newForum(t, s, c)
		got, err := s.ForumByID(ctx, f.ID)
		noErr(t, err, "ForumByID")
		diff(t, "forum", got, f)
		f.Title, f.Description = "Q&A", "Questions"
		noErr(t, s.UpdateForum(ctx, f), "UpdateForum")
		list, err := s.ListForums(ctx, c.ID, lms.Page{})
		noErr(t, err, "ListForums")
		diff(t, "forums", list, []*lms.Forum{f})
		noErr(t, s.DeleteForum(ctx, f.ID), "DeleteForum")
		_, err = s.ForumByID(ctx, f.ID)
		wantCode(t, err, lms.ENOTFOUND)
		wantCode(t, s.CreateForum(ctx, &lms.Forum{CourseID: 9999, Title: "x"}), lms.ENOTFOUND)
	},
	"a thread starts with its opening post and counts replies two levels deep": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		u, v := newUser(t, s, "u"), newUser(t, s, "v")
		c := newCourse(t, s, "a", 0)
		th, first := newThread(t, s, newForum(t, s, c), u, "Hello")
		if th.ID == 0 || th.CourseID != c.ID || th.PostCount != 1 || th.LastPostID != first.ID || first.Depth != 0 {
			t.Fatalf("CreateThread: %+v / %+v", th, first)
		}
		r1 := reply(t, s, th, v, first.ID)
		r2 := reply(t, s, th, u, r1.ID)
		if r1.Depth != 1 || r2.Depth != 2 {
			t.Fatalf("depths %d %d, want 1 2", r1.Depth, r2.Depth)
		}
		got, err := s.ThreadByID(ctx, th.ID)
		noErr(t, err, "ThreadByID")
		if got.PostCount != 3 || got.LastPostID != r2.ID || got.AuthorName != "Name u" || got.AuthorUsername != "u" {
			t.Fatalf("thread after replies: %+v", got)
		}
		posts, err := s.ListPosts(ctx, th.ID)
		noErr(t, err, "ListPosts")
		diff(t, "posts", ids(posts, postID), []int64{first.ID, r1.ID, r2.ID})
		r1.AuthorName, r1.AuthorUsername = "Name v", "v"
		diff(t, "reply", posts[1], r1)
	},
	"a parent from another thread or a missing thread is not found": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		u := newUser(t, s, "u")
		f := newForum(t, s, newCourse(t, s, "a", 0))
		a, _ := newThread(t, s, f, u, "a")
		_, pb := newThread(t, s, f, u, "b")
		wantCode(t, s.CreatePost(ctx, &lms.Post{ThreadID: a.ID, ParentID: pb.ID, AuthorID: u.ID}, false), lms.ENOTFOUND)
		wantCode(t, s.CreatePost(ctx, &lms.Post{ThreadID: 9999, AuthorID: u.ID}, false), lms.ENOTFOUND)
		wantCode(t, s.CreateThread(ctx, &lms.Thread{ForumID: 9999, Title: "x"}, &lms.Post{}), lms.ENOTFOUND)
		got, err := s.ThreadByID(ctx, a.ID)
		noErr(t, err, "ThreadByID")
		if got.PostCount != 1 {
			t.Fatalf("PostCount = %d after failed replies, want 1", got.PostCount)
		}
	},
	"a locked thread refuses posts and stores nothing": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		u := newUser(t, s, "u")
		th, first := newThread(t, s, newForum(t, s, newCourse(t, s, "a", 0)), u, "a")
		th.Locked, th.Pinned, th.AnswerPostID, th.Title = true, true, first.ID, "Renamed"
		noErr(t, s.UpdateThread(ctx, th), "UpdateThread")
		got, err := s.ThreadByID(ctx, th.ID)
		noErr(t, err, "ThreadByID")
		th.AuthorName, th.AuthorUsername = "Name u", "u"
		diff(t, "thread", got, th)
		wantCode(t, s.CreatePost(ctx, &lms.Post{ThreadID: th.ID, AuthorID: u.ID, BodyMD: "x"}, false), lms.EFORBIDDEN)
		posts, err := s.ListPosts(ctx, th.ID)
		noErr(t, err, "ListPosts")
		diff(t, "posts", len(posts), 1)
		mod := &lms.Post{ThreadID: th.ID, AuthorID: u.ID, BodyMD: "closing", CreatedAt: base}
		noErr(t, s.CreatePost(ctx, mod, true), "CreatePost by a moderator")
		if !mod.CreatedAt.Equal(base) {
			t.Fatalf("CreatedAt = %v, want the given %v", mod.CreatedAt, base)
		}
	},
	"edit marks the post edited, tombstone clears it once": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		u := newUser(t, s, "u")
		th, first := newThread(t, s, newForum(t, s, newCourse(t, s, "a", 0)), u, "a")
		noErr(t, s.EditPost(ctx, first.ID, "new", "<p>new</p>", base), "EditPost")
		got, err := s.PostByID(ctx, first.ID)
		noErr(t, err, "PostByID")
		if got.BodyMD != "new" || got.BodyHTML != "<p>new</p>" || !got.EditedAt.Equal(base) {
			t.Fatalf("after edit: %+v", got)
		}
		noErr(t, s.TombstonePost(ctx, first.ID, u.ID, base.Add(time.Minute)), "TombstonePost")
		got, err = s.PostByID(ctx, first.ID)
		noErr(t, err, "PostByID")
		if !got.Deleted() || got.BodyMD != "" || got.BodyHTML != "" || got.DeletedBy != u.ID {
			t.Fatalf("after tombstone: %+v", got)
		}
		wantCode(t, s.TombstonePost(ctx, first.ID, u.ID, base), lms.ENOTFOUND)
		wantCode(t, s.EditPost(ctx, first.ID, "x", "x", base), lms.ENOTFOUND)
		posts, err := s.ListPosts(ctx, th.ID)
		noErr(t, err, "ListPosts")
		diff(t, "tombstone keeps its place", ids(posts, postID), []int64{first.ID})
	},
	"threads list pinned first then by activity with unread markers": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		u, v := newUser(t, s, "u"), newUser(t, s, "v")
		f := newForum(t, s, newCourse(t, s, "a", 0))
		a, _ := newThread(t, s, f, u, "a")
		b, pb := newThread(t, s, f, u, "b")
		c, _ := newThread(t, s, f, u, "c")
		reply(t, s, a, v, 0) // a is now the most recently active
		b.Pinned = true
		noErr(t, s.UpdateThread(ctx, b), "UpdateThread")
		noErr(t, s.MarkThreadRead(ctx, v.ID, b.ID, pb.ID), "MarkThreadRead")
		noErr(t, s.MarkThreadRead(ctx, v.ID, b.ID, 0), "MarkThreadRead backwards is ignored")
		list, total, err := s.ListThreads(ctx, lms.ThreadFilter{ForumID: f.ID, ViewerID: v.ID})
		noErr(t, err, "ListThreads")
		diff(t, "order", ids(list, threadID), []int64{b.ID, a.ID, c.ID})
		diff(t, "unread", []bool{list[0].Unread, list[1].Unread, list[2].Unread}, []bool{false, true, true})
		diff(t, "total", total, 3)
		anon, _, err := s.ListThreads(ctx, lms.ThreadFilter{ForumID: f.ID, Limit: 1, Offset: 1})
		noErr(t, err, "ListThreads without viewer")
		if len(anon) != 1 || anon[0].ID != a.ID || anon[0].Unread {
			t.Fatalf("page without viewer: %+v", anon)
		}
	},
	"reactions add once, list by thread and remove": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		u, v := newUser(t, s, "u"), newUser(t, s, "v")
		th, first := newThread(t, s, newForum(t, s, newCourse(t, s, "a", 0)), u, "a")
		r := &lms.Reaction{TargetID: first.ID, UserID: v.ID, Emoji: "👍", CreatedAt: base}
		noErr(t, s.React(ctx, r), "React")
		noErr(t, s.React(ctx, &lms.Reaction{TargetID: first.ID, UserID: v.ID, Emoji: "👍"}), "React twice")
		list, err := s.ThreadReactions(ctx, th.ID)
		noErr(t, err, "ThreadReactions")
		diff(t, "reactions", list, []*lms.Reaction{r})
		noErr(t, s.Unreact(ctx, first.ID, v.ID, "👍"), "Unreact")
		wantCode(t, s.Unreact(ctx, first.ID, v.ID, "👍"), lms.ENOTFOUND)
		wantCode(t, s.React(ctx, &lms.Reaction{TargetID: 9999, UserID: v.ID, Emoji: "x"}), lms.ENOTFOUND)
	},
	"concurrent replies all count": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		const n = 8
		u := newUser(t, s, "u")
		th, _ := newThread(t, s, newForum(t, s, newCourse(t, s, "a", 0)), u, "a")
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range n {
			wg.Go(func() {
				errs[i] = s.CreatePost(ctx, &lms.Post{ThreadID: th.ID, AuthorID: u.ID, BodyMD: "x"}, false)
			})
		}
		wg.Wait()
		for _, err := range errs {
			noErr(t, err, "CreatePost")
		}
		got, err := s.ThreadByID(ctx, th.ID)
		noErr(t, err, "ThreadByID")
		if got.PostCount != n+1 {
			t.Fatalf("PostCount = %d, want %d", got.PostCount, n+1)
		}
	},
}

var notificationTests = map[string]func(*testing.T, store.Store){
	"notifications list newest first, page, count and mark read": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		u, v := newUser(t, s, "u"), newUser(t, s, "v")
		var ns []*lms.Notification
		for i := range 3 {
			n := &lms.Notification{UserID: u.ID, Kind: lms.NotifyMention, Payload: `{"post":"` + label("p", i) + `"}`,
				CreatedAt: base.Add(time.Duration(i) * time.Second)}
			noErr(t, s.CreateNotification(ctx, n), "CreateNotification")
			ns = append(ns, n)
		}
		noErr(t, s.CreateNotification(ctx, &lms.Notification{UserID: v.ID, Kind: lms.NotifyReply}), "CreateNotification v")
		wantCode(t, s.CreateNotification(ctx, &lms.Notification{UserID: 9999, Kind: "x"}), lms.ENOTFOUND)
		list, err := s.ListNotifications(ctx, lms.NotificationFilter{UserID: u.ID})
		noErr(t, err, "ListNotifications")
		diff(t, "list", list, []*lms.Notification{ns[2], ns[1], ns[0]})
		page, err := s.ListNotifications(ctx, lms.NotificationFilter{UserID: u.ID, BeforeID: ns[2].ID, Limit: 1})
		noErr(t, err, "ListNotifications page")
		diff(t, "page", page, []*lms.Notification{ns[1]})
		n, err := s.MarkNotificationsRead(ctx, u.ID, ns[1].ID, base.Add(time.Hour))
		noErr(t, err, "MarkNotificationsRead")
		diff(t, "marked", n, 2)
		unread, err := s.CountUnreadNotifications(ctx, u.ID)
		noErr(t, err, "CountUnreadNotifications")
		diff(t, "unread", unread, 1)
		list, err = s.ListNotifications(ctx, lms.NotificationFilter{UserID: u.ID, UnreadOnly: true})
		noErr(t, err, "ListNotifications unread")
		diff(t, "unread list", ids(list, func(n *lms.Notification) int64 { return n.ID }), []int64{ns[2].ID})
		n, err = s.MarkNotificationsRead(ctx, u.ID, 0, base.Add(time.Hour))
		noErr(t, err, "MarkNotificationsRead all")
		diff(t, "marked all", n, 1)
		unread, err = s.CountUnreadNotifications(ctx, v.ID)
		noErr(t, err, "CountUnreadNotifications v")
		diff(t, "v untouched", unread, 1)
	},
}
