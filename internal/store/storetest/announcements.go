package storetest

import (
	"testing"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
)

// newAnnouncement stores an announcement of c by author for groups (none:
// everyone), to be posted at postAt and, when posted, posted then.
func newAnnouncement(t *testing.T, s store.Store, c *lms.Course, author *lms.User, title string, postAt time.Time,
	posted bool, groups ...int64) *lms.CourseAnnouncement {
	t.Helper()
	a := &lms.CourseAnnouncement{CourseID: c.ID, AuthorID: author.ID, Title: title, BodyMD: "*" + title + "*",
		BodyHTML: "<p><em>" + title + "</em></p>", GroupIDs: append([]int64{}, groups...), PostAt: postAt}
	if posted {
		a.PostedAt = postAt
	}
	noErr(t, s.CreateCourseAnnouncement(ctxOf(t), a), "CreateCourseAnnouncement")
	a.AuthorName, a.AuthorUsername = author.Name, author.Username
	return a
}

// newGroupIn stores a group of c.
func newGroupIn(t *testing.T, s store.Store, c *lms.Course, name string) *lms.Group {
	t.Helper()
	g := &lms.Group{CourseID: c.ID, Name: name}
	noErr(t, s.CreateGroup(ctxOf(t), g), "CreateGroup")
	return g
}

// announcementTitles lists the announcements' titles in order.
func announcementTitles(list []*lms.CourseAnnouncement) []string {
	out := []string{}
	for _, a := range list {
		out = append(out, a.Title)
	}
	return out
}

var announcementTests = map[string]func(*testing.T, store.Store){
	"an announcement reads back as stored, changes, is posted once and goes": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		c := newCourse(t, s, "a", 0)
		ann := newUser(t, s, "ann")
		g1, g2 := newGroupIn(t, s, c, "g1"), newGroupIn(t, s, c, "g2")
		a := newAnnouncement(t, s, c, ann, "Exam moved", base.Add(time.Hour), false, g1.ID)
		got, err := s.CourseAnnouncementByID(ctx, a.ID)
		noErr(t, err, "CourseAnnouncementByID")
		diff(t, "stored", got, a)
		a.Title, a.BodyMD, a.BodyHTML = "Exam moved (again)", "new", "<p>new</p>"
		a.GroupIDs, a.PostAt, a.EditedAt = []int64{g1.ID, g2.ID}, base.Add(2*time.Hour), base.Add(time.Minute)
		noErr(t, s.UpdateCourseAnnouncement(ctx, a), "UpdateCourseAnnouncement")
		got, err = s.CourseAnnouncementByID(ctx, a.ID)
		noErr(t, err, "CourseAnnouncementByID")
		diff(t, "updated", got, a)
		first, err := s.MarkCourseAnnouncementPosted(ctx, a.ID, base.Add(2*time.Hour))
		noErr(t, err, "MarkCourseAnnouncementPosted")
		again, err := s.MarkCourseAnnouncementPosted(ctx, a.ID, base.Add(3*time.Hour))
		noErr(t, err, "MarkCourseAnnouncementPosted again")
		if !first || again {
			t.Fatalf("posted: first call %v, second %v; want true, false", first, again)
		}
		got, err = s.CourseAnnouncementByID(ctx, a.ID)
		noErr(t, err, "CourseAnnouncementByID")
		if !got.PostedAt.Equal(base.Add(2 * time.Hour)) {
			t.Fatalf("PostedAt = %v, want the first call's", got.PostedAt)
		}
		a.GroupIDs = nil
		noErr(t, s.UpdateCourseAnnouncement(ctx, a), "UpdateCourseAnnouncement to everyone")
		got, err = s.CourseAnnouncementByID(ctx, a.ID)
		noErr(t, err, "CourseAnnouncementByID")
		if len(got.GroupIDs) != 0 || got.GroupIDs == nil {
			t.Fatalf("GroupIDs = %#v, want empty", got.GroupIDs)
		}
		noErr(t, s.DeleteCourseAnnouncement(ctx, a.ID), "DeleteCourseAnnouncement")
		_, err = s.CourseAnnouncementByID(ctx, a.ID)
		wantCode(t, err, lms.ENOTFOUND)
		wantCode(t, s.DeleteCourseAnnouncement(ctx, a.ID), lms.ENOTFOUND)
		wantCode(t, s.UpdateCourseAnnouncement(ctx, a), lms.ENOTFOUND)
		_, err = s.MarkCourseAnnouncementPosted(ctx, a.ID, base)
		wantCode(t, err, lms.ENOTFOUND)
	},
	"a missing course or group is not found": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		c := newCourse(t, s, "a", 0)
		wantCode(t, s.CreateCourseAnnouncement(ctx, &lms.CourseAnnouncement{CourseID: c.ID + 99, Title: "x", PostAt: base}),
			lms.ENOTFOUND)
		wantCode(t, s.CreateCourseAnnouncement(ctx, &lms.CourseAnnouncement{CourseID: c.ID, Title: "x", PostAt: base,
			GroupIDs: []int64{999}}), lms.ENOTFOUND)
		list, err := s.ListCourseAnnouncements(ctx, lms.AnnouncementFilter{CourseID: c.ID, All: true})
		noErr(t, err, "ListCourseAnnouncements")
		diff(t, "nothing half-stored", announcementTitles(list), []string{})
	},
	"lists show staff everything and others what is posted for them": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		c, other := newCourse(t, s, "a", 0), newCourse(t, s, "b", 0)
		ann := newUser(t, s, "ann")
		g1, g2 := newGroupIn(t, s, c, "g1"), newGroupIn(t, s, c, "g2")
		newAnnouncement(t, s, c, ann, "all old", base, true)
		newAnnouncement(t, s, c, ann, "g1", base.Add(time.Minute), true, g1.ID)
		newAnnouncement(t, s, c, ann, "g1 and g2", base.Add(2*time.Minute), true, g1.ID, g2.ID)
		newAnnouncement(t, s, c, ann, "all new", base.Add(3*time.Minute), true)
		newAnnouncement(t, s, c, ann, "scheduled", base.Add(time.Hour), false)
		newAnnouncement(t, s, other, ann, "elsewhere", base, true)
		for _, tc := range []struct {
			name string
			f    lms.AnnouncementFilter
			want []string
		}{
			{"staff", lms.AnnouncementFilter{CourseID: c.ID, All: true},
				[]string{"scheduled", "all new", "g1 and g2", "g1", "all old"}},
			{"group 1", lms.AnnouncementFilter{CourseID: c.ID, GroupID: g1.ID}, []string{"all new", "g1 and g2", "g1", "all old"}},
			{"group 2", lms.AnnouncementFilter{CourseID: c.ID, GroupID: g2.ID}, []string{"all new", "g1 and g2", "all old"}},
			{"no group", lms.AnnouncementFilter{CourseID: c.ID}, []string{"all new", "all old"}},
			{"a page", lms.AnnouncementFilter{CourseID: c.ID, All: true, Page: lms.Page{Limit: 2, Offset: 1}},
				[]string{"all new", "g1 and g2"}},
		} {
			list, err := s.ListCourseAnnouncements(ctx, tc.f)
			noErr(t, err, "ListCourseAnnouncements "+tc.name)
			diff(t, tc.name, announcementTitles(list), tc.want)
		}
		// A group deleted leaves the announcements for it restricted.
		noErr(t, s.DeleteGroup(ctx, g1.ID), "DeleteGroup")
		list, err := s.ListCourseAnnouncements(ctx, lms.AnnouncementFilter{CourseID: c.ID, GroupID: g2.ID})
		noErr(t, err, "ListCourseAnnouncements after the group went")
		diff(t, "group 2 after g1 went", announcementTitles(list), []string{"all new", "g1 and g2", "all old"})
		list, err = s.ListCourseAnnouncements(ctx, lms.AnnouncementFilter{CourseID: c.ID, All: true})
		noErr(t, err, "ListCourseAnnouncements staff")
		if list[3].Title != "g1" || len(list[3].GroupIDs) != 0 || list[2].Title != "g1 and g2" ||
			len(list[2].GroupIDs) != 1 || list[2].GroupIDs[0] != g2.ID {
			t.Fatalf("groups after g1 went: %v %v", list[2].GroupIDs, list[3].GroupIDs)
		}
		list, err = s.ListCourseAnnouncements(ctx, lms.AnnouncementFilter{CourseID: c.ID})
		noErr(t, err, "ListCourseAnnouncements no group")
		diff(t, "no group after g1 went", announcementTitles(list), []string{"all new", "all old"})
	},
}
