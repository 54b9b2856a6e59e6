package demo

import (
	"bytes"
	"context"
	"fmt"

	"github.com/lyceumhq/lyceum/internal/course"
	"github.com/lyceumhq/lyceum/internal/lms"
)

// build creates the demo course with its content, people, progress,
// discussion and chat, and returns it.
func build(ctx context.Context, p Params, users map[string]*lms.User) (*lms.Course, error) {
	cs, ins := p.Courses, users[InstructorUsername]
	learner := func(i int) *lms.User { return users[LearnerUsername(i)] }

	v, err := cs.Courses.CreateCourse(ctx, ins, course.CourseInput{Title: CourseTitle, Code: CourseCode,
		Description: "A first look at the night sky: what we see, why it moves, and how light carries the news. " +
			"This is Lyceum's demo course; explore it as the instructor, the teaching assistant or a learner."})
	if err != nil {
		return nil, fmt.Errorf("create the course as %s (may only administrators create courses on this site?): %w",
			InstructorUsername, err)
	}
	id := v.ID
	if _, err := cs.Enrolment.Enrol(ctx, ins, id, TAUsername, lms.CourseTA); err != nil {
		return nil, fmt.Errorf("enrol the TA: %w", err)
	}
	for i := 1; i <= learnerCount; i++ {
		if _, err := cs.Enrolment.Enrol(ctx, ins, id, LearnerUsername(i), lms.CourseLearner); err != nil {
			return nil, fmt.Errorf("enrol a learner: %w", err)
		}
	}

	lessons, err := buildLessons(ctx, p, ins, id)
	if err != nil {
		return nil, err
	}
	if _, err := cs.Courses.SetVisibility(ctx, ins, id, lms.CoursePublished); err != nil {
		return nil, fmt.Errorf("publish: %w", err)
	}
	if v, err = cs.Courses.ConfigureJoin(ctx, ins, id, course.JoinSettings{Enabled: true}); err != nil {
		return nil, fmt.Errorf("join code: %w", err)
	}

	// Progress: learner 1 is half-way, learner 2 has started, learner 3
	// has only opened the first lesson, learner 4 has not begun.
	progress := []struct {
		who     int
		lessons int // complete the first n lessons
	}{{1, 2}, {2, 1}}
	for _, pr := range progress {
		for _, l := range lessons[:pr.lessons] {
			if _, err := cs.Progress.Heartbeat(ctx, learner(pr.who), l.ID, 30); err != nil {
				return nil, fmt.Errorf("heartbeat: %w", err)
			}
			if _, err := cs.Progress.CompleteLesson(ctx, learner(pr.who), l.ID, true); err != nil {
				return nil, fmt.Errorf("complete a lesson: %w", err)
			}
		}
	}
	if _, err := cs.Progress.Heartbeat(ctx, learner(3), lessons[0].ID, 20); err != nil {
		return nil, fmt.Errorf("heartbeat: %w", err)
	}

	if err := buildDiscussion(ctx, p, users, id); err != nil {
		return nil, err
	}
	if err := buildChat(ctx, p, users, id); err != nil {
		return nil, err
	}
	return v.Course, nil
}

// buildLessons creates two modules with two lessons each and returns the
// lessons in course order.
func buildLessons(ctx context.Context, p Params, ins *lms.User, courseID int64) ([]*lms.Lesson, error) {
	cs := p.Courses
	png, err := nightSkyPNG()
	if err != nil {
		return nil, err
	}
	image, err := upload(ctx, p, ins, courseID, "night-sky.png", png)
	if err != nil {
		return nil, err
	}
	video, err := upload(ctx, p, ins, courseID, "orbit.mp4", orbitMP4())
	if err != nil {
		return nil, err
	}
	modules := []struct {
		title   string
		lessons []course.LessonInput
	}{
		{"Week 1: Looking up", []course.LessonInput{
			{Title: "Welcome to the course", BodyMD: welcomeMD},
			{Title: "Reading the night sky", BodyMD: nightSkyMD(image)},
		}},
		{"Week 2: Things that move", []course.LessonInput{
			{Title: "Orbits in motion", BodyMD: orbitMD(video)},
			{Title: "Measuring the sky with code", BodyMD: codeMD},
		}},
	}
	var out []*lms.Lesson
	for _, m := range modules {
		mod, err := cs.Content.CreateModule(ctx, ins, courseID, m.title)
		if err != nil {
			return nil, fmt.Errorf("create a module: %w", err)
		}
		for _, in := range m.lessons {
			l, err := cs.Content.CreateLesson(ctx, ins, mod.ID, in)
			if err != nil {
				return nil, fmt.Errorf("create lesson %q: %w", in.Title, err)
			}
			out = append(out, l)
		}
	}
	return out, nil
}

// upload stores a file for the course and returns its URL, or "" when the
// site stores no uploads (the lessons then say so instead).
func upload(ctx context.Context, p Params, ins *lms.User, courseID int64, name string, data []byte) (string, error) {
	u, err := p.Courses.Uploads.SaveUpload(ctx, ins, courseID, name, bytes.NewReader(data))
	if lms.IsCode(err, lms.EUNAVAILABLE) {
		p.Log.Warn().Str("file", name).Msg("uploads are disabled: the demo lesson goes without its file")
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("upload %s: %w", name, err)
	}
	return course.UploadURL(u.ID), nil
}

// buildDiscussion opens a thread in the course's forum with nested replies.
func buildDiscussion(ctx context.Context, p Params, users map[string]*lms.User, courseID int64) error {
	cs := p.Courses
	forums, err := cs.Discussion.ListForums(ctx, users[InstructorUsername], courseID, lms.Page{})
	if err != nil || len(forums) == 0 {
		return fmt.Errorf("find the forum: %w (%d forums)", err, len(forums))
	}
	th, err := cs.Discussion.CreateThread(ctx, users[LearnerUsername(1)], forums[0].ID, "Why does the Moon look bigger near the horizon?",
		"Last night the full Moon looked **huge** when it rose, and normal a few hours later. "+
			"Is it closer when it rises?")
	if err != nil {
		return fmt.Errorf("create the thread: %w", err)
	}
	first := th.Posts[0].ID
	tid := th.Thread.ID
	ta, err := cs.Discussion.Reply(ctx, users[TAUsername], tid, first,
		"Great question! It is not closer: measure it against your thumb at arm's length at moonrise and "+
			"again later, and you will find the same size. It is the *Moon illusion*, a trick of perception.")
	if err != nil {
		return fmt.Errorf("reply: %w", err)
	}
	if _, err := cs.Discussion.Reply(ctx, users[LearnerUsername(2)], tid, ta.ID,
		"I tried the thumb trick: same size! @"+LearnerUsername(1)+" you should try it too."); err != nil {
		return fmt.Errorf("reply: %w", err)
	}
	answer, err := cs.Discussion.Reply(ctx, users[InstructorUsername], tid, first,
		"To add to the TA's answer: at moonrise the Moon is actually about one Earth radius *farther* "+
			"from you than when it is overhead, so it is very slightly smaller. We will come back to this in week 2.")
	if err != nil {
		return fmt.Errorf("reply: %w", err)
	}
	if _, err := cs.Discussion.MarkAnswer(ctx, users[InstructorUsername], tid, ta.ID); err != nil {
		return fmt.Errorf("mark the answer: %w", err)
	}
	if err := cs.Discussion.ReactToPost(ctx, users[LearnerUsername(1)], answer.ID, "👍", false); err != nil {
		return fmt.Errorf("react: %w", err)
	}
	return nil
}

// chatHistory is the main room's conversation: who (a username) says what.
var chatHistory = []struct{ who, body string }{
	{InstructorUsername, "Welcome to Introduction to Astronomy! This room is for quick questions during and between classes."},
	{LearnerUsername(1), "Hi everyone! Excited for this."},
	{LearnerUsername(2), "Hello! Is there homework for week 1?"},
	{TAUsername, "Just the two lessons in Week 1, and mark them complete when you are done."},
	{LearnerUsername(3), "Does anyone have a recommendation for a stargazing app?"},
	{LearnerUsername(1), "I use a planisphere, old school but it works without batteries."},
	{InstructorUsername, "A planisphere is perfect for this course. Any app that shows constellations is fine too."},
	{LearnerUsername(4), "Sorry I'm late, what did I miss?"},
	{LearnerUsername(2), "Not much, just getting started. The first lesson has the course plan."},
	{TAUsername, "Reminder: the sky is clear tonight, a great chance to try the exercise from lesson 2."},
	{LearnerUsername(3), "I just saw Jupiter! It was the brightest thing in the east."},
	{InstructorUsername, "Lovely. Post a photo in the discussion board if you took one."},
}

// buildChat fills the course's main room.
func buildChat(ctx context.Context, p Params, users map[string]*lms.User, courseID int64) error {
	cs := p.Courses
	rooms, err := cs.Chat.ListRooms(ctx, users[InstructorUsername], courseID)
	if err != nil || len(rooms) == 0 {
		return fmt.Errorf("find the main room: %w (%d rooms)", err, len(rooms))
	}
	room := rooms[0].Room
	for _, r := range rooms {
		if r.Main {
			room = r.Room
		}
	}
	var last *lms.Message
	for i, m := range chatHistory {
		sent, err := cs.Chat.SendMessage(ctx, users[m.who], course.SendInput{RoomID: room.ID, Body: m.body,
			IdemKey: fmt.Sprintf("demo-%d", i+1)})
		if err != nil {
			return fmt.Errorf("send a message: %w", err)
		}
		last = sent.Message
	}
	// Everyone but learner 4 has read the room (for the unread counts and
	// "seen by").
	for _, name := range []string{InstructorUsername, TAUsername, LearnerUsername(1), LearnerUsername(2), LearnerUsername(3)} {
		if _, err := cs.Chat.MarkRoomRead(ctx, users[name], room.ID, last.ID); err != nil {
			return fmt.Errorf("mark the room read: %w", err)
		}
	}
	return nil
}
