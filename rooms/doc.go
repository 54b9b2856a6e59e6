// Package rooms is Lyceum's live classroom layer on top of the hub: it
// decides who may subscribe and publish on which topic (the hub only
// enforces the answers), stores chat messages clients publish, announces
// course changes over the hub (Publisher), turns account changes into live
// pushes and disconnects, and serves the WebSocket endpoint for signed-in
// users.
//
// Topics it knows (course decisions are made by course.Service as the
// connection's user, reloaded from the store at every command):
//
//	user:<id>             personal notifications; only that user may
//	                      subscribe; the server publishes (session revoked,
//	                      account changed, notification events)
//	load:<name>           diagnostics and load tests; site administrators
//	                      only, subscribe and publish (with presence only on
//	                      load:presence-<name>)
//	room:<id>             a chat room: members who may be in the room
//	                      (course.Service.RoomAccess) subscribe with
//	                      presence; publishing {"type":"message","body",
//	                      "reply_to","upload_id"} with an idempotency key
//	                      stores the message (the ack means "stored", a retry
//	                      with the same key stores nothing new) and the
//	                      course service pushes the message.created event
//	typing:<roomID>       ephemeral typing indicators for the same people;
//	                      {"type":"typing","active":bool} is rewritten with
//	                      the sender as the server knows them (Typing)
//	thread:<id>           a discussion thread's live posts; members who may
//	                      read it; the server publishes
//	course:<id>:progress  the course's live progress feed; those who may
//	                      view grades (staff, administrators); the server
//	                      publishes
//	quiz:<game>           a live quiz's players' view (state, counts,
//	                      results); room members and the game's guests;
//	                      the server publishes (quiz_topics.go, Quiz)
//	quiz:<game>:staff     the presenter and control view; run_live; staff
//	                      publish control commands
//	quiz:<game>:p<id>     one player's channel: sync, answer (stored before
//	                      the ack), me; the server pushes their standing
package rooms
