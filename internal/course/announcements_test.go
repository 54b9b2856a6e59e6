package course

import (
	"bytes"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// announceFixture is the fixture with a second learner ("member") in the
// course's group.
func announceFixture(t *testing.T) *fixture {
	t.Helper()
	f := newFixture(t)
	ctx := t.Context()
	must(f.svc.Enrolment.Enrol(ctx, f.as("instructor"), f.a.ID, "newbie", lms.CourseLearner)).get(t)
	ok(t, f.svc.Enrolment.AssignGroup(ctx, f.as("instructor"), f.a.ID, f.newbie.ID, f.group.ID))
	f.users["member"] = f.newbie
	return f
}

// runAnnouncementJob runs the announcement's stored job as the runner
// would, and fails t when there is none.
func (f *fixture) runAnnouncementJob(id int64) {
	f.t.Helper()
	j, err := f.st.JobByKey(f.t.Context(), announcementJobKey(id))
	ok(f.t, err)
	if j.Kind != AnnouncementJobKind {
		f.t.Fatalf("job kind %q", j.Kind)
	}
	ok(f.t, f.svc.Announcements.HandleJob(f.t.Context(), j))
}

// announcementNotes returns, per actor name, the announcement
// notifications about id each has.
func (f *fixture) announcementNotes(id int64, names ...string) map[string]int {
	f.t.Helper()
	out := map[string]int{}
	for _, n := range names {
		list, err := f.st.ListNotifications(f.t.Context(), lms.NotificationFilter{UserID: f.as(n).ID, Limit: lms.MaxPageSize})
		ok(f.t, err)
		for _, x := range list {
			var p map[string]any
			ok(f.t, json.Unmarshal([]byte(x.Payload), &p))
			if x.Kind == lms.NotifyAnnouncement && lms.PayloadCourseID(p) == f.a.ID && p["announcement_id"] == float64(id) {
				out[n]++
				if want := AnnouncementLink(f.a.ID, id); p["link"] != want {
					f.t.Errorf("%s: link %v, want %s", n, p["link"], want)
				}
			}
		}
	}
	return out
}

// visibleTitles lists the announcements actor sees in course A.
func (f *fixture) visibleTitles(actor string) []string {
	f.t.Helper()
	list := must(f.svc.Announcements.ListAnnouncements(f.t.Context(), f.as(actor), f.a.ID, lms.Page{})).get(f.t)
	out := []string{}
	for _, x := range list {
		out = append(out, x.Title)
	}
	return out
}

func TestAnnouncementPermissionsPerRole(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	for _, tc := range []struct {
		actor, post, list string
	}{
		{"anonymous", lms.EUNAUTHORIZED, lms.EUNAUTHORIZED},
		{"outsider", lms.ENOTFOUND, lms.ENOTFOUND},
		{"learner", lms.EFORBIDDEN, ""},
		{"ta", "", ""},
		{"instructor", "", ""},
		{"admin", "", ""},
	} {
		x, err := f.svc.Announcements.CreateAnnouncement(ctx, f.as(tc.actor), f.a.ID,
			AnnouncementInput{Title: "From " + tc.actor, BodyMD: "Hello **all**"})
		wantCode(t, err, tc.post)
		_, err = f.svc.Announcements.ListAnnouncements(ctx, f.as(tc.actor), f.a.ID, lms.Page{})
		wantCode(t, err, tc.list)
		if x == nil {
			continue
		}
		if x.BodyHTML != "<p>Hello <strong>all</strong></p>\n" || x.Scheduled() {
			t.Errorf("%s: body %q, scheduled %v", tc.actor, x.BodyHTML, x.Scheduled())
		}
		// Only staff edit and delete; the outsider cannot even find it.
		for who, code := range map[string]string{"learner": lms.EFORBIDDEN, "outsider": lms.ENOTFOUND} {
			title := "hijack"
			_, err := f.svc.Announcements.PatchAnnouncement(ctx, f.as(who), x.ID, AnnouncementPatch{Title: &title})
			wantCode(t, err, code)
			wantCode(t, f.svc.Announcements.DeleteAnnouncement(ctx, f.as(who), x.ID), code)
		}
		_, err = f.svc.Announcements.Announcement(ctx, f.as("outsider"), x.ID)
		wantCode(t, err, lms.ENOTFOUND)
	}
	_, err := f.svc.Announcements.CreateAnnouncement(ctx, f.as("ta"), f.a.ID, AnnouncementInput{Title: " ", BodyMD: "x"})
	wantCode(t, err, lms.EINVALID)
	_, err = f.svc.Announcements.CreateAnnouncement(ctx, f.as("ta"), f.a.ID, AnnouncementInput{Title: "x", BodyMD: " "})
	wantCode(t, err, lms.EINVALID)
}

func TestAnnouncementNotifiesEveryMemberOnce(t *testing.T) {
	f := announceFixture(t)
	ctx := t.Context()
	x := must(f.svc.Announcements.CreateAnnouncement(ctx, f.as("instructor"), f.a.ID,
		AnnouncementInput{Title: "Welcome", BodyMD: "Read the syllabus."})).get(t)
	if got := f.pub.on(lms.FeedAnnouncements, f.a.ID); len(got) != 1 || got[0].Kind != EventAnnouncementPosted {
		t.Fatalf("live events %+v, want one %s", got, EventAnnouncementPosted)
	}
	f.runAnnouncementJob(x.ID)
	f.runAnnouncementJob(x.ID) // a job that runs again notifies nobody twice
	got := f.announcementNotes(x.ID, "instructor", "ta", "learner", "member", "outsider")
	want := map[string]int{"ta": 1, "learner": 1, "member": 1}
	if len(got) != len(want) || got["ta"] != 1 || got["learner"] != 1 || got["member"] != 1 {
		t.Fatalf("notifications %v, want %v (never the author or an outsider)", got, want)
	}
	for _, who := range []string{"learner", "member", "ta"} {
		if titles := f.visibleTitles(who); len(titles) != 1 || titles[0] != "Welcome" {
			t.Errorf("%s sees %v", who, titles)
		}
	}
	audit, err := f.st.ListAudit(ctx, lms.AuditFilter{Action: lms.AuditAnnouncementCreate, Limit: 5})
	ok(t, err)
	if len(audit) != 1 || audit[0].ActorID != f.as("instructor").ID {
		t.Fatalf("audit %+v", audit)
	}
}

func TestAnnouncementForAGroupOnly(t *testing.T) {
	f := announceFixture(t)
	ctx := t.Context()
	x := must(f.svc.Announcements.CreateAnnouncement(ctx, f.as("ta"), f.a.ID,
		AnnouncementInput{Title: "Team meeting", BodyMD: "Room 4.", GroupIDs: []int64{f.group.ID, f.group.ID}})).get(t)
	if len(x.GroupIDs) != 1 || x.GroupIDs[0] != f.group.ID {
		t.Fatalf("groups %v", x.GroupIDs)
	}
	f.runAnnouncementJob(x.ID)
	if got := f.announcementNotes(x.ID, "instructor", "ta", "learner", "member"); len(got) != 2 ||
		got["instructor"] != 1 || got["member"] != 1 {
		t.Fatalf("notifications %v, want the instructor and the group's member only", got)
	}
	if got := f.visibleTitles("learner"); len(got) != 0 {
		t.Fatalf("a learner outside the group sees %v", got)
	}
	_, err := f.svc.Announcements.Announcement(ctx, f.as("learner"), x.ID)
	wantCode(t, err, lms.ENOTFOUND)
	must(f.svc.Announcements.Announcement(ctx, f.as("member"), x.ID)).get(t)
	// Another course's group is refused.
	other := must(f.svc.Enrolment.CreateGroup(ctx, f.as("instructor"), &lms.Group{CourseID: f.b.ID, Name: "B team"})).get(t)
	_, err = f.svc.Announcements.CreateAnnouncement(ctx, f.as("instructor"), f.a.ID,
		AnnouncementInput{Title: "x", BodyMD: "x", GroupIDs: []int64{other.ID}})
	wantCode(t, err, lms.EINVALID)
	// Opening it to everyone tells those it is for now, nobody twice.
	everyone := []int64{}
	must(f.svc.Announcements.PatchAnnouncement(ctx, f.as("ta"), x.ID, AnnouncementPatch{GroupIDs: &everyone})).get(t)
	f.runAnnouncementJob(x.ID)
	if got := f.announcementNotes(x.ID, "instructor", "ta", "learner", "member"); len(got) != 3 ||
		got["instructor"] != 1 || got["member"] != 1 || got["learner"] != 1 {
		t.Fatalf("notifications after opening it %v", got)
	}
}

func TestScheduledAnnouncementIsPostedByItsJob(t *testing.T) {
	f := announceFixture(t)
	ctx := t.Context()
	at := t0.Add(2 * time.Hour)
	x := must(f.svc.Announcements.CreateAnnouncement(ctx, f.as("instructor"), f.a.ID,
		AnnouncementInput{Title: "Later", BodyMD: "Soon.", PostAt: at})).get(t)
	if !x.Scheduled() || !x.PostAt.Equal(at) {
		t.Fatalf("scheduled %v at %v", x.Scheduled(), x.PostAt)
	}
	j, err := f.st.JobByKey(ctx, announcementJobKey(x.ID))
	ok(t, err)
	if !j.RunAt.Equal(at) {
		t.Fatalf("job runs at %v, want %v", j.RunAt, at)
	}
	if got := f.visibleTitles("learner"); len(got) != 0 {
		t.Fatalf("a learner sees a scheduled announcement: %v", got)
	}
	if got := f.visibleTitles("ta"); len(got) != 1 {
		t.Fatalf("staff see %v, want the scheduled one", got)
	}
	_, err = f.svc.Announcements.Announcement(ctx, f.as("learner"), x.ID)
	wantCode(t, err, lms.ENOTFOUND)

	// Moved an hour later: the old job is stale and posts nothing.
	later := at.Add(time.Hour)
	must(f.svc.Announcements.PatchAnnouncement(ctx, f.as("instructor"), x.ID, AnnouncementPatch{PostAt: &later})).get(t)
	f.clock.Set(at)
	ok(t, f.svc.Announcements.HandleJob(ctx, j))
	if got := f.visibleTitles("learner"); len(got) != 0 {
		t.Fatalf("a stale job posted it: %v", got)
	}
	f.clock.Set(later)
	f.runAnnouncementJob(x.ID)
	if got := f.visibleTitles("learner"); len(got) != 1 {
		t.Fatalf("after its time the learner sees %v", got)
	}
	posted := must(f.svc.Announcements.Announcement(ctx, f.as("learner"), x.ID)).get(t)
	if !posted.PostedAt.Equal(later) {
		t.Fatalf("posted at %v, want %v", posted.PostedAt, later)
	}
	if got := f.announcementNotes(x.ID, "learner", "member", "ta"); len(got) != 3 {
		t.Fatalf("notifications %v", got)
	}
	evs := f.pub.on(lms.FeedAnnouncements, f.a.ID)
	if len(evs) != 3 || evs[2].Kind != EventAnnouncementPosted {
		t.Fatalf("live events %+v, want changed, changed, posted", evs)
	}
	// Posted: its time stays, edits are marked.
	_, err = f.svc.Announcements.PatchAnnouncement(ctx, f.as("instructor"), x.ID, AnnouncementPatch{PostAt: &at})
	wantCode(t, err, lms.EINVALID)
	body := "Now."
	f.clock.Advance(time.Minute)
	edited := must(f.svc.Announcements.PatchAnnouncement(ctx, f.as("instructor"), x.ID, AnnouncementPatch{BodyMD: &body})).get(t)
	if edited.EditedAt.IsZero() || edited.BodyHTML != "<p>Now.</p>\n" {
		t.Fatalf("edited %+v", edited)
	}
}

func TestDeletingAnAnnouncementCancelsItsJob(t *testing.T) {
	f := announceFixture(t)
	ctx := t.Context()
	x := must(f.svc.Announcements.CreateAnnouncement(ctx, f.as("instructor"), f.a.ID,
		AnnouncementInput{Title: "Oops", BodyMD: "Wrong course.", PostAt: t0.Add(time.Hour)})).get(t)
	ok(t, f.svc.Announcements.DeleteAnnouncement(ctx, f.as("ta"), x.ID))
	_, err := f.st.JobByKey(ctx, announcementJobKey(x.ID))
	wantCode(t, err, lms.ENOTFOUND)
	_, err = f.svc.Announcements.Announcement(ctx, f.as("instructor"), x.ID)
	wantCode(t, err, lms.ENOTFOUND)
	wantCode(t, f.svc.Announcements.DeleteAnnouncement(ctx, f.as("ta"), x.ID), lms.ENOTFOUND)
	audit, err := f.st.ListAudit(ctx, lms.AuditFilter{Action: lms.AuditAnnouncementDelete, Limit: 5})
	ok(t, err)
	if len(audit) != 1 || audit[0].ActorID != f.as("ta").ID {
		t.Fatalf("audit %+v", audit)
	}
}

func TestAnnouncementImagesAreKeptAndOpenToItsReaders(t *testing.T) {
	f := announceFixture(t)
	ctx := t.Context()
	img := must(f.svc.Uploads.SaveUpload(ctx, f.as("ta"), f.a.ID, "plan.png", bytes.NewReader(png))).get(t)
	mine := must(f.svc.Uploads.SaveUpload(ctx, f.as("learner"), f.a.ID, "mine.png",
		bytes.NewReader(append(slices.Clone(png), '2')))).get(t)
	body := "The plan: ![plan](" + UploadURL(img.ID) + ")"

	// Someone else's file that the course does not use yet is refused.
	_, err := f.svc.Announcements.CreateAnnouncement(ctx, f.as("ta"), f.a.ID,
		AnnouncementInput{Title: "x", BodyMD: "![x](" + UploadURL(mine.ID) + ")"})
	wantCode(t, err, lms.EINVALID)

	x := must(f.svc.Announcements.CreateAnnouncement(ctx, f.as("ta"), f.a.ID,
		AnnouncementInput{Title: "Team plan", BodyMD: body, GroupIDs: []int64{f.group.ID}})).get(t)
	refs := must(f.st.UploadRefs(ctx, img.ID)).get(t)
	if !slices.Contains(refs, announcementRef(x.ID)) {
		t.Fatalf("upload refs %v: the announcement's image is not kept from the sweep", refs)
	}
	opens := func(who string) bool {
		_, file, err := f.svc.Uploads.OpenUpload(ctx, f.as(who), img.ID)
		if err == nil {
			file.Close()
		}
		return err == nil
	}
	if !opens("member") || opens("learner") || opens("outsider") {
		t.Fatalf("opens: member %v, learner outside the group %v, outsider %v; want only the member",
			opens("member"), opens("learner"), opens("outsider"))
	}
	// Editing the image out, then deleting, lets the sweep have it.
	plain := "No picture."
	must(f.svc.Announcements.PatchAnnouncement(ctx, f.as("ta"), x.ID, AnnouncementPatch{BodyMD: &plain})).get(t)
	if refs := must(f.st.UploadRefs(ctx, img.ID)).get(t); slices.Contains(refs, announcementRef(x.ID)) {
		t.Fatalf("upload refs %v after the image was edited out", refs)
	}
	must(f.svc.Announcements.PatchAnnouncement(ctx, f.as("ta"), x.ID, AnnouncementPatch{BodyMD: &body})).get(t)
	ok(t, f.svc.Announcements.DeleteAnnouncement(ctx, f.as("ta"), x.ID))
	if refs := must(f.st.UploadRefs(ctx, img.ID)).get(t); slices.Contains(refs, announcementRef(x.ID)) {
		t.Fatalf("upload refs %v after the announcement was deleted", refs)
	}
}
