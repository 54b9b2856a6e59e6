package rooms

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/lyceumhq/lyceum/hub"
	"github.com/lyceumhq/lyceum/internal/course"
	"github.com/lyceumhq/lyceum/internal/lms"
)

// want maps an actor to the expected error code ("" for allowed).
type want map[string]string

func TestCoursePolicySubscribe(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	hooks := s.policy.Hooks()
	all := want{"outsider": lms.ENOTFOUND, "learner": "", "other": "", "ta": "", "instructor": "", "admin": ""}
	cases := []struct {
		name     string
		topic    string
		want     want
		presence bool
	}{
		{"main room", RoomTopic(s.main.ID), all, true},
		{"group room", RoomTopic(s.groupRoom.ID), want{"outsider": lms.ENOTFOUND, "learner": "",
			"other": lms.ENOTFOUND, "ta": "", "instructor": "", "admin": ""}, true},
		{"main room typing", TypingTopic(s.main.ID), all, false},
		{"group room typing", TypingTopic(s.groupRoom.ID), want{"outsider": lms.ENOTFOUND, "learner": "",
			"other": lms.ENOTFOUND, "ta": "", "instructor": "", "admin": ""}, false},
		{"course progress", ProgressTopic(s.course.ID), want{"outsider": lms.ENOTFOUND,
			"learner": lms.EFORBIDDEN, "other": lms.EFORBIDDEN, "ta": "", "instructor": "", "admin": ""}, false},
		{"gradebook", GradebookTopic(s.course.ID), want{"outsider": lms.ENOTFOUND,
			"learner": lms.EFORBIDDEN, "other": lms.EFORBIDDEN, "ta": "", "instructor": "", "admin": ""}, false},
		{"thread", ThreadTopic(s.thread.Thread.ID), all, false},
		{"forum", ForumTopic(s.thread.Thread.ForumID), all, false},
		{"announcements", AnnouncementsTopic(s.course.ID), all, false},
	}
	for _, tc := range cases {
		for _, actor := range actors {
			code := tc.want[actor]
			t.Run(tc.name+"/"+actor+" gets "+orOK(code), func(t *testing.T) {
				opts, err := hooks.CanSubscribe(t.Context(), s.as(actor), tc.topic)
				if got := lms.ErrorCode(err); got != code {
					t.Fatalf("code %q, want %q (%v)", got, code, err)
				}
				if err == nil && opts.Presence != tc.presence {
					t.Errorf("presence %v, want %v", opts.Presence, tc.presence)
				}
			})
		}
	}
}

func TestCoursePolicyRefusesUnknownTopics(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	hooks := s.policy.Hooks()
	for _, topic := range []string{
		"room:0" + strings.TrimPrefix(RoomTopic(s.main.ID), "room:"), // a second name for the room
		"room:+1", "room:", "room:x", "room:999999", "typing:999999", "thread:999999", "forum:999999", "forum:01",
		"course:1", "course:1:grades", "course:x:progress", "lesson:1",
		"gradebook:", "gradebook:01", "gradebook:999999",
		"announcements:", "announcements:01", "announcements:999999",
	} {
		t.Run(topic+" is not found", func(t *testing.T) {
			_, err := hooks.CanSubscribe(t.Context(), s.as("admin"), topic)
			if got := lms.ErrorCode(err); got != lms.ENOTFOUND {
				t.Fatalf("code %q, want %q (%v)", got, lms.ENOTFOUND, err)
			}
		})
	}
}

func TestCoursePolicyUsesTheCurrentAccount(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	hooks := s.policy.Hooks()
	ctx := t.Context()
	id := s.as("learner") // the identity keeps the user as they were at connect time
	topic := RoomTopic(s.main.ID)
	t.Run("a removed member is refused", func(t *testing.T) {
		check(t, s.courses.Enrolment.RemoveMember(ctx, s.users["instructor"], s.course.ID, s.users["learner"].ID))
		_, err := hooks.CanSubscribe(ctx, id, topic)
		if got := lms.ErrorCode(err); got != lms.ENOTFOUND {
			t.Fatalf("code %q, want not_found", got)
		}
	})
	t.Run("a disabled account is refused", func(t *testing.T) {
		u := *s.users["ta"]
		id := s.as("ta")
		u.Disabled = true
		check(t, s.st.UpdateUser(ctx, &u))
		_, err := hooks.CanSubscribe(ctx, id, topic)
		if got := lms.ErrorCode(err); got != lms.EUNAUTHORIZED {
			t.Fatalf("code %q, want unauthorized", got)
		}
		_, err = hooks.OnPublish(ctx, hub.PublishRequest{Identity: id, Topic: topic, Data: json.RawMessage(`{"type":"message","body":"x"}`)})
		if got := lms.ErrorCode(err); got != lms.EUNAUTHORIZED {
			t.Fatalf("publish: code %q, want unauthorized", got)
		}
	})
}

func TestCoursePolicyPublish(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	hooks := s.policy.Hooks()
	room, typing := RoomTopic(s.main.ID), TypingTopic(s.main.ID)
	msg := `{"type":"message","body":"hello"}`
	cases := []struct {
		name, actor, topic, data, code string
	}{
		{"learner sends a message", "learner", room, msg, ""},
		{"TA sends a message", "ta", room, msg, ""},
		{"admin sends a message", "admin", room, msg, ""},
		{"outsider sends a message", "outsider", room, msg, lms.ENOTFOUND},
		{"other group sends to the group room", "other", RoomTopic(s.groupRoom.ID), msg, lms.ENOTFOUND},
		{"a message too long", "learner", room,
			`{"type":"message","body":"` + strings.Repeat("x", lms.MaxMessageChars+1) + `"}`, lms.ETOOLARGE},
		{"an empty message", "learner", room, `{"type":"message","body":"  "}`, lms.EINVALID},
		{"a reply to a message elsewhere", "learner", room, `{"type":"message","body":"a","reply_to":999999}`, lms.EINVALID},
		{"not a message", "learner", room, `{"type":"typing"}`, lms.EINVALID},
		{"not an object", "learner", room, `[1]`, lms.EINVALID},
		{"typing in a missing room", "learner", TypingTopic(s.groupRoom.ID + 1000), `{"type":"typing"}`, lms.ENOTFOUND},
		{"typing as outsider", "outsider", typing, `{"type":"typing"}`, lms.ENOTFOUND},
		{"a message on the typing topic", "learner", typing, msg, lms.EINVALID},
		{"on a thread", "learner", ThreadTopic(s.thread.Thread.ID), msg, lms.EFORBIDDEN},
		{"on course progress", "instructor", ProgressTopic(s.course.ID), `{"kind":"progress"}`, lms.EFORBIDDEN},
		{"on the gradebook", "instructor", GradebookTopic(s.course.ID), `{"kind":"grade"}`, lms.EFORBIDDEN},
		{"on a personal topic", "learner", UserTopic(s.users["learner"].ID), `{}`, lms.EFORBIDDEN},
	}
	for _, tc := range cases {
		t.Run(tc.name+" gets "+orOK(tc.code), func(t *testing.T) {
			out, err := hooks.OnPublish(t.Context(), hub.PublishRequest{Identity: s.as(tc.actor), Topic: tc.topic,
				Key: "k-" + tc.name, Data: json.RawMessage(tc.data)})
			if got := lms.ErrorCode(err); got != tc.code {
				t.Fatalf("code %q, want %q (%v)", got, tc.code, err)
			}
			if out.Data != nil {
				t.Errorf("published %s; room messages are published by the course service", out.Data)
			}
			if tc.code == "" && tc.topic == room {
				var res SendResult
				check(t, json.Unmarshal(out.Result, &res))
				if res.Message == nil || res.Message.ID == 0 || res.Message.Body != "hello" {
					t.Errorf("ack result %s, want the stored message", out.Result)
				}
			}
		})
	}
	t.Run("messages were stored once each", func(t *testing.T) {
		list, _, err := s.courses.Chat.History(t.Context(), s.users["instructor"], lms.MessageFilter{RoomID: s.main.ID})
		check(t, err)
		if len(list) != 3 {
			t.Fatalf("%d messages stored, want 3", len(list))
		}
	})
}

func TestTypingIsRewrittenWithTheSender(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	hooks := s.policy.Hooks()
	u := s.users["learner"]
	for _, tc := range []struct {
		name, data string
		active     bool
	}{
		{"typing", `{"type":"typing","name":"The Teacher","user_id":1}`, true},
		{"stopped typing", `{"type":"typing","active":false}`, false},
	} {
		t.Run(tc.name+" carries the server's name", func(t *testing.T) {
			out, err := hooks.OnPublish(t.Context(), hub.PublishRequest{Identity: s.as("learner"),
				Topic: TypingTopic(s.main.ID), Data: json.RawMessage(tc.data)})
			check(t, err)
			var got Typing
			check(t, json.Unmarshal(out.Data, &got))
			if time.Since(got.At) > time.Minute || got.At.IsZero() {
				t.Errorf("typing at %v, want now", got.At)
			}
			got.At = time.Time{}
			want := Typing{Type: "typing", RoomID: s.main.ID, UserID: u.ID, Username: u.Username, Name: u.Name, Active: tc.active}
			if got != want {
				t.Errorf("got %+v, want %+v", got, want)
			}
		})
	}
}

func TestMutedLearnerGetsAnErrorWithTheTime(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	hooks := s.policy.Hooks()
	check(t, s.courses.Chat.MuteInRoom(t.Context(), s.users["ta"], s.main.ID, course.MuteInput{UserID: s.users["learner"].ID, Seconds: seconds(time.Hour)}))
	_, err := hooks.OnPublish(t.Context(), hub.PublishRequest{Identity: s.as("learner"), Topic: RoomTopic(s.main.ID),
		Key: "m1", Data: json.RawMessage(`{"type":"message","body":"let me talk"}`)})
	code, msg := hooks.ErrorInfo(err)
	if code != lms.EFORBIDDEN || !strings.Contains(msg, "muted") {
		t.Fatalf("got %s %q, want forbidden saying muted", code, msg)
	}
	var e *lms.Error
	if !errors.As(err, &e) || e.RetryAfterSeconds <= 0 {
		t.Errorf("no retry-after in %v", err)
	}
}

// orOK names an expected code in a subtest name ("ok" for success).
func orOK(code string) string {
	if code == "" {
		return "ok"
	}
	return code
}
