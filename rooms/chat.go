package rooms

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/lyceumhq/lyceum/hub"
	"github.com/lyceumhq/lyceum/internal/course"
	"github.com/lyceumhq/lyceum/internal/lms"
)

// Publication types clients send.
const (
	typeMessage = "message" // on room:<id>: a chat message to store
	typeTyping  = "typing"  // on typing:<id>: "I am typing"
)

// sendRequest is a chat message a client publishes on a room's topic.
type sendRequest struct {
	Type     string `json:"type"`
	Body     string `json:"body"`
	ReplyTo  int64  `json:"reply_to"`
	UploadID int64  `json:"upload_id"`
}

// decode reads a client publication (a JSON object) into v; fields v does
// not have are ignored.
func decode(data json.RawMessage, v any) error {
	if err := json.Unmarshal(data, v); err != nil {
		return lms.Errorf(lms.EINVALID, "The publication is not understood.")
	}
	return nil
}

// SendResult is the "result" of the ack to a chat message sent over the
// socket: the message as stored, with its id, so the sender reconciles at
// once.
type SendResult struct {
	Message *lms.Message `json:"message"`
	// Queued is true when the message is stored but its live fan-out could
	// not be done now (the broker is down): it follows, once, when the
	// broker is back (the outbox), and the ack has no position.
	Queued bool `json:"queued,omitempty"`
}

// sendMessage stores a chat message with the publication's idempotency key.
// The course service stores it together with its announcement and
// publishes it on the room's topic itself, so the hook publishes nothing:
// the ack means "stored", carries the message (and where it landed on the
// topic, when it did); a retry with the same key stores and announces
// nothing new and is acked with the stored message.
func (p *Policy) sendMessage(ctx context.Context, u *lms.User, roomID int64, req hub.PublishRequest) (hub.PublishResult, error) {
	var in sendRequest
	if err := decode(req.Data, &in); err != nil {
		return hub.PublishResult{}, err
	}
	if in.Type != typeMessage {
		return hub.PublishResult{}, lms.Errorf(lms.EINVALID, "Only messages can be sent to a room.")
	}
	sent, err := p.chat.SendMessage(ctx, u, course.SendInput{RoomID: roomID, Body: in.Body, ReplyTo: in.ReplyTo,
		UploadID: in.UploadID, IdemKey: req.Key})
	if err != nil {
		return hub.PublishResult{}, err
	}
	result, err := json.Marshal(SendResult{Message: sent.Message, Queued: sent.Created && sent.Position == nil})
	if err != nil {
		return hub.PublishResult{}, fmt.Errorf("rooms: encode a send result: %w", err)
	}
	out := hub.PublishResult{Result: result}
	if pos := sent.Position; pos != nil {
		out.Position = &hub.Position{Epoch: pos.Epoch, Offset: pos.Offset}
	}
	return out, nil
}

// typingRequest is a typing indicator a client publishes.
type typingRequest struct {
	Type string `json:"type"`
	// Active false says the user stopped typing (sent a message or cleared
	// the field); absent means true.
	Active *bool `json:"active"`
}

// Typing is the typing indicator subscribers of typing:<roomID> receive.
// The sender is filled in by the server, never taken from the client. At
// is the server's time: the hub replays recent publications to clients
// that reconnect, and an indicator a few seconds old means nothing any more.
type Typing struct {
	Type     string    `json:"type"` // "typing"
	RoomID   int64     `json:"room_id"`
	UserID   int64     `json:"user_id"`
	Username string    `json:"username"`
	Name     string    `json:"name"`
	Active   bool      `json:"active"`
	At       time.Time `json:"at"`
}

// typing rewrites a typing indicator with the sender as the server knows
// them, for those who may be in the room.
func (p *Policy) typing(ctx context.Context, u *lms.User, roomID int64, req hub.PublishRequest) (hub.PublishResult, error) {
	var in typingRequest
	if err := decode(req.Data, &in); err != nil {
		return hub.PublishResult{}, err
	}
	if in.Type != typeTyping {
		return hub.PublishResult{}, lms.Errorf(lms.EINVALID, "Only typing indicators go on this topic.")
	}
	if _, _, _, err := p.chat.RoomAccess(ctx, u, roomID); err != nil {
		return hub.PublishResult{}, err
	}
	name := u.Name
	if name == "" {
		name = u.Username
	}
	out := Typing{Type: typeTyping, RoomID: roomID, UserID: u.ID, Username: u.Username, Name: name,
		Active: in.Active == nil || *in.Active, At: time.Now().UTC().Truncate(time.Millisecond)}
	data, err := json.Marshal(out)
	if err != nil {
		return hub.PublishResult{}, fmt.Errorf("rooms: encode a typing indicator: %w", err)
	}
	return hub.PublishResult{Data: data}, nil
}
