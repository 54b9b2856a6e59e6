// Package rooms is Lyceum's live classroom layer on top of the hub: it
// decides who may subscribe and publish on which topic (the hub only
// enforces the answers), turns account changes into live pushes and
// disconnects, and serves the WebSocket endpoint for signed-in users.
//
// Topics it knows:
//
//	user:<id>     personal notifications; only that user may subscribe; the
//	              server publishes (session revoked, account changed, ...)
//	load:<name>   diagnostics and load tests; site administrators only,
//	              subscribe with presence and publish
package rooms
