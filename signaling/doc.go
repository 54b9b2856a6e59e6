// Package signaling is Lyceum's WebRTC layer: the signaling messages of a live
// session and the selective forwarding unit (SFU) that carries its media,
// built on pion/webrtc.
//
// A Server owns one pion API (codecs, interceptors for NACK, RTCP reports and
// TWCC, the ICE settings of Config) and the live sessions by id. Each
// participant of a live session has one PeerConnection to the server on which it
// both publishes and subscribes. Published tracks (camera, microphone, screen
// and its audio) are forwarded to every participant allowed to receive them,
// each subscriber through its own bounded queue and writer, so a slow
// subscriber never holds back the others.
//
// The package is transport-agnostic and knows nothing of users, courses or
// rooms: the caller decides who joins with which Permissions (Server.Join),
// hands every inbound client message to Server.Handle, and delivers outbound
// messages through Config.Send. Staff actions (Mute, StopTrack,
// SetPermissions) are methods the caller invokes after its own checks. The
// wire messages are described in docs/signaling.md.
package signaling
