package rooms

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/lyceumhq/lyceum/hub"
	"github.com/lyceumhq/lyceum/hub/hubtest"
	"github.com/lyceumhq/lyceum/internal/livequiz"
	"github.com/lyceumhq/lyceum/internal/lms"
)

// quizNode is one node: a hub with the policy and the live quiz layer,
// its own livequiz.Service over the shared store, and a guest endpoint.
type quizNode struct {
	*hubtest.Node
	svc      *livequiz.Service
	quiz     *Quiz
	guestURL string // ws:// URL taking ?token=
}

func startQuizNode(t *testing.T, s *site, id string, broker hub.Broker) *quizNode {
	t.Helper()
	n := hubtest.NewNode(t, hub.Config{NodeID: id}, broker)
	log := zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.WarnLevel)
	svc, err := livequiz.New(livequiz.Params{Data: s.st, Rooms: s.courses.Chat, Access: s.courses.Access, Logger: log})
	check(t, err)
	q := NewQuiz(QuizParams{Hub: n.Hub, Service: svc, Policy: s.policy, CountInterval: 50 * time.Millisecond, Log: log})
	t.Cleanup(q.Close)
	n.Hub.SetHooks(q.Hooks(s.policy.Hooks()))
	guest := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, _, err := svc.GuestPlayer(r.Context(), r.URL.Query().Get("token"))
		if err != nil {
			http.Error(w, lms.ErrorMessage(err), http.StatusUnauthorized)
			return
		}
		n.Hub.ServeWS(w, r, GuestIdentity(p))
	}))
	t.Cleanup(guest.Close)
	return &quizNode{Node: n, svc: svc, quiz: q, guestURL: "ws" + strings.TrimPrefix(guest.URL, "http")}
}

// dialAs connects an actor of s to n.
func dialAs(t *testing.T, n *quizNode, u *lms.User) *hubtest.Client {
	t.Helper()
	return hubtest.DialURL(t, n.URL+"?user="+strconv.FormatInt(u.ID, 10)+"&name="+u.Username, true)
}

// publish sends data on topic with key and returns the reply frame.
func publish(t *testing.T, c *hubtest.Client, topic, key string, data any) hubtest.Frame {
	t.Helper()
	b, err := json.Marshal(data)
	check(t, err)
	id := c.Command(hub.Command{Type: hub.CmdPublish, Topic: topic, Key: key, Data: b})
	f, _ := c.Reply(id)
	return f
}

// ok fails t unless f is an ack, and decodes its result into v (if any).
func ok(t *testing.T, f hubtest.Frame, v any) {
	t.Helper()
	if f.Type != hub.FrameAck {
		t.Fatalf("got %s %s: %s, want an ack", f.Type, f.Code, f.Message)
	}
	if v != nil {
		check(t, json.Unmarshal(f.Result, v))
	}
}

// refused fails t unless f is an error frame with code.
func refused(t *testing.T, f hubtest.Frame, code string) {
	t.Helper()
	if f.Type != hub.FrameError || f.Code != code {
		t.Fatalf("got %s %q (%s), want error %q", f.Type, f.Code, f.Message, code)
	}
}

// sub subscribes (from since when non-nil) and returns the ack, skipping
// pushes of topics already followed that arrive meanwhile.
func sub(t *testing.T, c *hubtest.Client, topic string, since *hub.Position) hubtest.Frame {
	t.Helper()
	id := c.Command(hub.Command{Type: hub.CmdSubscribe, Topic: topic, Since: since})
	f, _ := c.Reply(id)
	if f.Type != hub.FrameAck {
		t.Fatalf("subscribe %s: %s %s (%s)", topic, f.Type, f.Code, f.Message)
	}
	return f
}

// subscribeErr subscribes and returns the error code ("" on success).
func subscribeErr(t *testing.T, c *hubtest.Client, topic string) string {
	t.Helper()
	id := c.Command(hub.Command{Type: hub.CmdSubscribe, Topic: topic})
	f, _ := c.Reply(id)
	return f.Code
}

// pushOf waits for a push on topic whose data has the type typ and
// matches (nil: any), skipping everything else, and decodes it into v.
func pushOf(t *testing.T, c *hubtest.Client, topic, typ string, v any, match func() bool) {
	t.Helper()
	deadline := time.Now().Add(hubtest.WaitTimeout)
	for time.Now().Before(deadline) {
		f := c.Next()
		if f.Type != hub.FramePush || f.Topic != topic {
			continue
		}
		var head struct {
			Type string `json:"type"`
		}
		if json.Unmarshal(f.Data, &head) != nil || head.Type != typ {
			continue
		}
		check(t, json.Unmarshal(f.Data, v))
		if match == nil || match() {
			return
		}
	}
	t.Fatalf("no %s push on %s", typ, topic)
}

// newQuizGame creates a game of two questions (true/false, single
// choice; 60 s each) in the site's main room.
func newQuizGame(t *testing.T, s *site, svc *livequiz.Service, settings lms.GameSettings) *lms.Game {
	t.Helper()
	tf := &lms.Question{Type: lms.QTrueFalse, TextMD: "Water is wet.", Body: lms.QuestionBody{TrueFalse: &lms.TrueFalseBody{Answer: true}}}
	one := &lms.Question{Type: lms.QSingle, TextMD: "2 + 2?", Body: lms.QuestionBody{Choice: &lms.ChoiceBody{Choices: []lms.Choice{
		{ID: "a", TextMD: "3"}, {ID: "b", TextMD: "4", Fraction: 1}}}}}
	g, _, err := svc.Create(t.Context(), s.users["instructor"], s.main.ID, livequiz.CreateInput{Title: "Live",
		Settings: settings, Questions: []livequiz.QuestionInput{{Question: tf, Seconds: 60}, {Question: one, Seconds: 60}}})
	check(t, err)
	return g
}

// redisPrefix is a fresh key prefix for one test.
func redisPrefix(t *testing.T) string {
	return fmt.Sprintf("lyceumtest:%d:%s:", time.Now().UnixNano(), strings.ReplaceAll(t.Name(), "/", "_"))
}
