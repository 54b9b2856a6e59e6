package sfutest

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"slices"
	"sync"
	"time"

	"github.com/pion/interceptor"
	"github.com/pion/sdp/v3"
	"github.com/pion/webrtc/v4"

	"github.com/lyceumhq/lyceum/signaling"
)

// pollInterval is how often Wait checks its condition.
const pollInterval = 5 * time.Millisecond

// Client is one participant: a pion PeerConnection that follows the
// server's signaling. pion cannot roll back an offer, so the client takes
// turns: it asks ("negotiate") and offers when the server grants it.
type Client struct {
	Session, ID string

	r     *Router
	pc    *webrtc.PeerConnection
	inbox chan signaling.Message
	done  chan struct{}
	wg    sync.WaitGroup

	negMu       sync.Mutex // serializes SDP operations; guards the fields below
	wantOffer   bool       // local tracks changed: offer at the next turn
	remoteSet   bool
	pendingCand []webrtc.ICECandidateInit
	decls       []signaling.TrackInfo // what the next offer declares

	mu       sync.Mutex // guards the fields below
	events   []signaling.Message
	errs     []error
	mids     map[string]string // mid -> track id, from the server
	tracks   []signaling.TrackInfo
	received map[string]*TrackStats // by track id
	left     bool

	pub   *publisher
	cands []string // trickled candidates received (guarded by mu)
}

// Candidates returns the candidates the server trickled.
func (c *Client) Candidates() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.cands)
}

// NewAPI returns the pion API of test clients: default codecs and
// interceptors, the audio level extension, 127.0.0.1 only, over the given
// network types (UDP4 when none).
func NewAPI(networks ...webrtc.NetworkType) (*webrtc.API, error) {
	if len(networks) == 0 {
		networks = []webrtc.NetworkType{webrtc.NetworkTypeUDP4}
	}
	m := &webrtc.MediaEngine{}
	if err := m.RegisterDefaultCodecs(); err != nil {
		return nil, err
	}
	if err := m.RegisterHeaderExtension(webrtc.RTPHeaderExtensionCapability{URI: sdp.AudioLevelURI}, webrtc.RTPCodecTypeAudio); err != nil {
		return nil, err
	}
	reg := &interceptor.Registry{}
	if err := webrtc.RegisterDefaultInterceptors(m, reg); err != nil {
		return nil, err
	}
	var se webrtc.SettingEngine
	se.SetIncludeLoopbackCandidate(true)
	se.SetIPFilter(func(ip net.IP) bool { return ip.Equal(net.IPv4(127, 0, 0, 1)) })
	se.SetRemoteIPFilter(func(ip net.IP) bool { return ip.IsLoopback() })
	se.SetNetworkTypes(networks)
	return webrtc.NewAPI(webrtc.WithMediaEngine(m), webrtc.WithInterceptorRegistry(reg), webrtc.WithSettingEngine(se)), nil
}

// Connect creates a client, registers it with the router and joins the
// session with perms (as the caller of the server would).
func (r *Router) Connect(ctx context.Context, api *webrtc.API, session string, info signaling.ParticipantInfo, perms signaling.Permissions) (*Client, error) {
	c, err := r.Attach(api, session, info)
	if err != nil {
		return nil, err
	}
	if err := r.server().Join(ctx, signaling.JoinParams{Session: session, Participant: info, Permissions: perms}); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// Attach creates a client and registers it with the router without
// joining: for a participant the server itself put in a session (moved
// to a breakout group), whose "joined" is about to arrive.
func (r *Router) Attach(api *webrtc.API, session string, info signaling.ParticipantInfo) (*Client, error) {
	pc, err := api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		return nil, err
	}
	c := &Client{Session: session, ID: info.ID, r: r, pc: pc, inbox: make(chan signaling.Message, inboxSize),
		done: make(chan struct{}), mids: map[string]string{}, received: map[string]*TrackStats{}}
	pc.OnICECandidate(func(cand *webrtc.ICECandidate) {
		if cand != nil {
			init := cand.ToJSON()
			c.sendMsg(signaling.Message{Type: signaling.TypeCandidate, Candidate: &init})
		}
	})
	pc.OnTrack(c.onTrack)
	r.add(c)
	c.wg.Add(1)
	go c.loop()
	return c, nil
}

// PeerConnection returns the client's PeerConnection.
func (c *Client) PeerConnection() *webrtc.PeerConnection { return c.pc }

// SendRaw hands raw bytes to the server as this participant's message.
func (c *Client) SendRaw(raw []byte) error {
	return c.r.server().Handle(context.Background(), c.Session, c.ID, raw)
}

// Send marshals and sends a message, returning the server's answer.
func (c *Client) Send(m signaling.Message) error {
	raw, err := json.Marshal(m)
	if err != nil {
		return err
	}
	return c.SendRaw(raw)
}

// sendMsg sends m and records an error.
func (c *Client) sendMsg(m signaling.Message) {
	if err := c.Send(m); err != nil {
		c.mu.Lock()
		c.errs = append(c.errs, fmt.Errorf("%s: %w", m.Type, err))
		c.mu.Unlock()
	}
}

func (c *Client) loop() {
	defer c.wg.Done()
	for {
		select {
		case m := <-c.inbox:
			c.handle(m)
		case <-c.done:
			return
		}
	}
}

func (c *Client) handle(m signaling.Message) {
	switch m.Type {
	case signaling.TypeOffer:
		c.onOffer(m)
	case signaling.TypeAnswer:
		c.onAnswer(m)
	case signaling.TypeNegotiate:
		c.onTurn()
	case signaling.TypeCandidate:
		c.mu.Lock()
		if m.Candidate != nil {
			c.cands = append(c.cands, m.Candidate.Candidate)
		}
		c.mu.Unlock()
		c.onCandidate(m)
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.events = append(c.events, m)
	switch m.Type {
	case signaling.TypeOffer, signaling.TypeAnswer:
		for mid, id := range m.Mids {
			c.mids[mid] = id
		}
	case signaling.TypeTracks, signaling.TypeJoined:
		c.tracks = m.Tracks
	case signaling.TypeLeft:
		c.left = true
	}
}

func (c *Client) onOffer(m signaling.Message) {
	c.negMu.Lock()
	defer c.negMu.Unlock()
	if err := c.pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: m.SDP}); err != nil {
		c.fail(err)
		return
	}
	c.remoteSetLocked()
	answer, err := c.pc.CreateAnswer(nil)
	if err == nil {
		err = c.pc.SetLocalDescription(answer)
	}
	if err != nil {
		c.fail(err)
		return
	}
	c.sendMsg(signaling.Message{Type: signaling.TypeAnswer, SDP: answer.SDP})
}

func (c *Client) onAnswer(m signaling.Message) {
	c.negMu.Lock()
	defer c.negMu.Unlock()
	if err := c.pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: m.SDP}); err != nil {
		c.fail(err)
		return
	}
	c.remoteSetLocked()
	if c.pub != nil {
		c.pub.negotiated(c.pc)
	}
}

func (c *Client) onCandidate(m signaling.Message) {
	if m.Candidate == nil {
		return
	}
	c.negMu.Lock()
	defer c.negMu.Unlock()
	if !c.remoteSet {
		c.pendingCand = append(c.pendingCand, *m.Candidate)
		return
	}
	if err := c.pc.AddICECandidate(*m.Candidate); err != nil {
		c.fail(err)
	}
}

func (c *Client) remoteSetLocked() {
	c.remoteSet = true
	for _, cand := range c.pendingCand {
		if err := c.pc.AddICECandidate(cand); err != nil {
			c.fail(err)
		}
	}
	c.pendingCand = nil
}

// onTurn offers when the server granted the turn asked for.
func (c *Client) onTurn() {
	c.negMu.Lock()
	defer c.negMu.Unlock()
	if c.wantOffer {
		c.offerLocked()
	}
}

// Renegotiate asks the server for a turn to offer (e.g. after adding
// tracks); the offer goes out when it is granted.
func (c *Client) Renegotiate() {
	c.negMu.Lock()
	c.wantOffer = true
	c.negMu.Unlock()
	c.sendMsg(signaling.Message{Type: signaling.TypeNegotiate})
}

func (c *Client) offerLocked() {
	c.wantOffer = false
	offer, err := c.pc.CreateOffer(nil)
	if err == nil {
		err = c.pc.SetLocalDescription(offer)
	}
	if err != nil {
		c.fail(err)
		return
	}
	decls := slices.Clone(c.decls)
	for i := range decls {
		decls[i].Mid = c.midOf(decls[i].Mid)
	}
	c.sendMsg(signaling.Message{Type: signaling.TypeOffer, SDP: offer.SDP, Tracks: decls})
}

// midOf maps a local track id (as declared before negotiation) to the mid
// of its transceiver.
func (c *Client) midOf(trackID string) string {
	for _, tr := range c.pc.GetTransceivers() {
		if s := tr.Sender(); s != nil && s.Track() != nil && s.Track().ID() == trackID {
			return tr.Mid()
		}
	}
	return trackID
}

func (c *Client) fail(err error) {
	c.mu.Lock()
	c.errs = append(c.errs, err)
	c.mu.Unlock()
}

// Events returns the non-media messages received so far.
func (c *Client) Events() []signaling.Message {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.events)
}

// Errors returns the errors the server answered this client's messages
// with, and its own negotiation errors.
func (c *Client) Errors() []error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.errs)
}

// Tracks returns the latest track list from the server.
func (c *Client) Tracks() []signaling.TrackInfo {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.tracks)
}

// Left reports whether the server sent "left".
func (c *Client) Left() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.left
}

// Wait polls cond until it holds or ctx is done.
func Wait(ctx context.Context, cond func() bool) error {
	t := time.NewTicker(pollInterval)
	defer t.Stop()
	for !cond() {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
	return nil
}

// Close stops publishing, closes the PeerConnection and the client's
// goroutines (it does not tell the server: call Leave first for that).
func (c *Client) Close() {
	select {
	case <-c.done:
		return
	default:
	}
	close(c.done)
	c.r.remove(c)
	_ = c.pc.Close()
	if c.pub != nil {
		c.pub.stop()
	}
	c.wg.Wait()
}

// Leave sends "leave" and closes the client.
func (c *Client) Leave() {
	c.sendMsg(signaling.Message{Type: signaling.TypeLeave})
	c.Close()
}
