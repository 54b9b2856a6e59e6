package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
)

var privacyTests = map[string]func(*testing.T, store.Store){
	"deletion requests are kept one per user, listed oldest first with names": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		u, v := newUser(t, s, "u"), newUser(t, s, "v")
		_, err := s.DeletionRequestOf(ctx, u.ID)
		wantCode(t, err, lms.ENOTFOUND)
		noErr(t, s.PutDeletionRequest(ctx, &lms.DeletionRequest{UserID: v.ID, Reason: "first", CreatedAt: base}), "Put(v)")
		noErr(t, s.PutDeletionRequest(ctx, &lms.DeletionRequest{UserID: u.ID, Reason: "a", CreatedAt: base.Add(time.Minute)}), "Put(u)")
		noErr(t, s.PutDeletionRequest(ctx, &lms.DeletionRequest{UserID: u.ID, Reason: "again", CreatedAt: base.Add(2 * time.Minute)}), "Put(u again)")
		got, err := s.DeletionRequestOf(ctx, u.ID)
		noErr(t, err, "DeletionRequestOf")
		diff(t, "u's request", got, &lms.DeletionRequest{UserID: u.ID, Reason: "again", CreatedAt: base.Add(2 * time.Minute),
			Username: "u", Name: "Name u"})
		list, err := s.ListDeletionRequests(ctx)
		noErr(t, err, "ListDeletionRequests")
		if len(list) != 2 || list[0].UserID != v.ID || list[1].UserID != u.ID {
			t.Errorf("list %+v, want v then u", list)
		}
		noErr(t, s.DeleteDeletionRequest(ctx, u.ID), "DeleteDeletionRequest")
		wantCode(t, s.DeleteDeletionRequest(ctx, u.ID), lms.ENOTFOUND)
		wantCode(t, s.PutDeletionRequest(ctx, &lms.DeletionRequest{UserID: 9999, CreatedAt: base}), lms.ENOTFOUND)
	},
	"a user's course announcements are only those they wrote, scheduled too, with their groups": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		u, other, nobody := newUser(t, s, "u"), newUser(t, s, "other"), newUser(t, s, "nobody")
		c, d := newCourse(t, s, "a", 0), newCourse(t, s, "b", 0)
		g1, g2 := newGroupIn(t, s, c, "g1"), newGroupIn(t, s, c, "g2")
		first := newAnnouncement(t, s, c, u, "Exam moved", base, true, g2.ID, g1.ID)
		first.GroupIDs = []int64{g1.ID, g2.ID}
		newAnnouncement(t, s, c, other, "Not u's", base, true, g1.ID)
		scheduled := newAnnouncement(t, s, d, u, "Trip", base.Add(24*time.Hour), false)
		got, err := s.UserCourseAnnouncements(ctx, u.ID)
		noErr(t, err, "UserCourseAnnouncements")
		diff(t, "u's announcements", got, []*lms.CourseAnnouncement{first, scheduled})
		got, err = s.UserCourseAnnouncements(ctx, other.ID)
		noErr(t, err, "UserCourseAnnouncements(other)")
		if len(got) != 1 || got[0].Title != "Not u's" || len(got[0].GroupIDs) != 1 || got[0].GroupIDs[0] != g1.ID {
			t.Fatalf("other's announcements %+v", got)
		}
		got, err = s.UserCourseAnnouncements(ctx, nobody.ID)
		noErr(t, err, "UserCourseAnnouncements(nobody)")
		diff(t, "nobody's announcements", got, []*lms.CourseAnnouncement{})
	},
	"anonymising renames the account, keeps its posts and announcements and drops its sessions": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		u, other := newUser(t, s, "u"), newUser(t, s, "other")
		noErr(t, s.CreateSession(ctx, &lms.Session{UserID: u.ID, TokenHash: []byte("hash-u"), CreatedAt: base,
			LastSeenAt: base, ExpiresAt: base.Add(time.Hour)}), "CreateSession")
		c := newCourse(t, s, "a", 0)
		enrol(t, s, c, u, lms.CourseLearner)
		enrol(t, s, c, other, lms.CourseLearner)
		f := &lms.Forum{CourseID: c.ID, Title: "F"}
		noErr(t, s.CreateForum(ctx, f), "CreateForum")
		th := &lms.Thread{ForumID: f.ID, AuthorID: u.ID, Title: "T"}
		p := &lms.Post{AuthorID: u.ID, BodyMD: "hello", BodyHTML: "<p>hello</p>"}
		noErr(t, s.CreateThread(ctx, th, p), "CreateThread")
		a := newAnnouncement(t, s, c, u, "Exam moved", base, true)
		avatar := &lms.Upload{Hash: "avatar-hash", Path: "a/b", Name: "me.png", ContentType: "image/png", Size: 3, OwnerID: u.ID}
		noErr(t, s.CreateUpload(ctx, avatar), "CreateUpload")
		noErr(t, s.SetUploadRefs(ctx, 0, fmt.Sprintf("avatar:%d", u.ID), []int64{avatar.ID}), "SetUploadRefs")
		noErr(t, s.AnonymiseUser(ctx, u.ID, true, base), "AnonymiseUser")
		refs, err := s.UploadRefs(ctx, avatar.ID)
		noErr(t, err, "UploadRefs")
		diff(t, "the avatar's references", refs, []string{})
		got, err := s.UserByID(ctx, u.ID)
		noErr(t, err, "UserByID")
		if got.Name != lms.DeletedUserName || !got.Disabled || got.Username == "u" || got.PasswordHash != "" {
			t.Errorf("account %+v", got)
		}
		_, err = s.SessionByTokenHash(ctx, []byte("hash-u"))
		wantCode(t, err, lms.ENOTFOUND)
		post, err := s.PostByID(ctx, p.ID)
		noErr(t, err, "PostByID")
		diff(t, "post author", post.AuthorName, lms.DeletedUserName)
		ann, err := s.CourseAnnouncementByID(ctx, a.ID)
		noErr(t, err, "CourseAnnouncementByID")
		diff(t, "the announcement stays, by", []string{ann.Title, ann.AuthorName}, []string{"Exam moved", lms.DeletedUserName})
		es, err := s.AllUserEnrollments(ctx, u.ID)
		noErr(t, err, "AllUserEnrollments")
		diff(t, "enrolments left", len(es), 0)
		es, err = s.AllUserEnrollments(ctx, other.ID)
		noErr(t, err, "AllUserEnrollments(other)")
		diff(t, "the other's enrolments", len(es), 1)
		wantCode(t, s.AnonymiseUser(ctx, 9999, false, base), lms.ENOTFOUND)
	},
	"a deleted author's posts, threads, messages and announcements read Deleted user": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		u := newUser(t, s, "u")
		c := newCourse(t, s, "a", 0)
		f := &lms.Forum{CourseID: c.ID, Title: "F"}
		noErr(t, s.CreateForum(ctx, f), "CreateForum")
		th := &lms.Thread{ForumID: f.ID, AuthorID: u.ID, Title: "T"}
		p := &lms.Post{AuthorID: u.ID, BodyMD: "hello", BodyHTML: "<p>hello</p>"}
		noErr(t, s.CreateThread(ctx, th, p), "CreateThread")
		r := newRoom(t, s, c, "main", true)
		m := &lms.Message{RoomID: r.ID, AuthorID: u.ID, Body: "hi"}
		_, err := s.InsertMessage(ctx, m)
		noErr(t, err, "InsertMessage")
		a := newAnnouncement(t, s, c, u, "Exam moved", base, true)
		noErr(t, s.DeleteUser(ctx, u.ID), "DeleteUser")
		post, err := s.PostByID(ctx, p.ID)
		noErr(t, err, "PostByID")
		thread, err := s.ThreadByID(ctx, th.ID)
		noErr(t, err, "ThreadByID")
		msg, err := s.MessageByID(ctx, m.ID)
		noErr(t, err, "MessageByID")
		list, err := s.ListCourseAnnouncements(ctx, lms.AnnouncementFilter{CourseID: c.ID, All: true})
		noErr(t, err, "ListCourseAnnouncements")
		if len(list) != 1 || list[0].ID != a.ID {
			t.Fatalf("the course's announcements %+v, want the deleted author's", list)
		}
		diff(t, "authors", []string{post.AuthorName, thread.AuthorName, msg.AuthorName, list[0].AuthorName},
			[]string{lms.DeletedUserName, lms.DeletedUserName, lms.DeletedUserName, lms.DeletedUserName})
		diff(t, "the post stays", post.BodyMD, "hello")
	},
}
