package privacy

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
)

// announce makes the teacher an instructor of c who posted an announcement
// for one group and scheduled another for everyone.
func (w *world) announce(t *testing.T, c *lms.Course) {
	t.Helper()
	ctx := t.Context()
	teacher := w.users["teacher"]
	must(t, w.st.PutEnrollment(ctx, &lms.Enrollment{CourseID: c.ID, UserID: teacher.ID, Role: lms.CourseInstructor,
		Status: lms.EnrollActive}))
	g := &lms.Group{CourseID: c.ID, Name: "Lab A"}
	must(t, w.st.CreateGroup(ctx, g))
	posted := &lms.CourseAnnouncement{CourseID: c.ID, AuthorID: teacher.ID, Title: "ANNOUNCE-teacher",
		BodyMD: "GOGGLES-teacher", BodyHTML: "<p>GOGGLES-teacher</p>", GroupIDs: []int64{g.ID}, PostAt: t0, PostedAt: t0}
	scheduled := &lms.CourseAnnouncement{CourseID: c.ID, AuthorID: teacher.ID, Title: "SCHEDULED-teacher",
		BodyMD: "trip", BodyHTML: "<p>trip</p>", GroupIDs: []int64{}, PostAt: t0.Add(48 * time.Hour)}
	for _, a := range []*lms.CourseAnnouncement{posted, scheduled} {
		must(t, w.st.CreateCourseAnnouncement(ctx, a))
	}
	w.announcements = []*lms.CourseAnnouncement{posted, scheduled}
	w.secret["teacher"] = []string{"ANNOUNCE-teacher", "GOGGLES-teacher", "SCHEDULED-teacher"}
}

func TestExportHoldsTheAnnouncementsAStaffMemberWrote(t *testing.T) {
	backends(t, func(t *testing.T, st store.Store) {
		w := newWorld(t, st)
		entries := w.export(t, w.users["teacher"])
		var x Export
		must(t, json.Unmarshal([]byte(entries["lyceum-export/data.json"]), &x))
		if len(x.Announcements) != 2 {
			t.Fatalf("announcements %+v, want the posted and the scheduled one", x.Announcements)
		}
		for i, want := range w.announcements {
			got := x.Announcements[i]
			if got.ID != want.ID || got.CourseID != want.CourseID || got.Title != want.Title || got.BodyMD != want.BodyMD ||
				got.BodyHTML != want.BodyHTML || len(got.GroupIDs) != len(want.GroupIDs) ||
				!got.PostAt.Equal(want.PostAt) || !got.PostedAt.Equal(want.PostedAt) || got.CreatedAt.IsZero() ||
				got.AuthorName != "Full teacher" {
				t.Errorf("announcement %d = %+v, want %+v", i, got, want)
			}
		}
		if g := x.Announcements[0].GroupIDs; len(g) != 1 || g[0] != w.announcements[0].GroupIDs[0] {
			t.Errorf("the posted announcement's groups %v, want %v", g, w.announcements[0].GroupIDs)
		}
	})
}

// Anonymising keeps an account's announcements, as it keeps its posts: the
// course page still lists them, under "Deleted user".
func TestAnonymiseKeepsAnnouncementsAsDeletedUser(t *testing.T) {
	backends(t, func(t *testing.T, st store.Store) {
		w := newWorld(t, st)
		ctx := t.Context()
		teacher := w.users["teacher"]
		_, err := w.svc.Anonymise(ctx, w.users["admin"], teacher.ID)
		must(t, err)
		list, err := st.ListCourseAnnouncements(ctx, lms.AnnouncementFilter{CourseID: w.item.CourseID,
			GroupID: w.announcements[0].GroupIDs[0]})
		must(t, err)
		if len(list) != 1 || list[0].ID != w.announcements[0].ID || list[0].BodyMD != "GOGGLES-teacher" ||
			list[0].AuthorName != lms.DeletedUserName {
			t.Errorf("the course page's announcements %+v, want the posted one by %q", list, lms.DeletedUserName)
		}
		sched, err := st.CourseAnnouncementByID(ctx, w.announcements[1].ID)
		must(t, err)
		if !sched.Scheduled() || sched.AuthorName != lms.DeletedUserName {
			t.Errorf("the scheduled announcement %+v, want it kept, by %q", sched, lms.DeletedUserName)
		}
	})
}
