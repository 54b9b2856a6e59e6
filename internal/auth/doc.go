// Package auth owns Lyceum's authentication and account rules: argon2id
// password hashing with bounded concurrency, opaque session tokens and
// personal API tokens (stored only as SHA-256 hashes), the one-time setup
// token, sign-up policies, invitations, one-time set-password links, login
// rate limits with exponential back-off counted in the shared store (so they
// hold on every node) and device tokens that let a browser which signed in
// before through an account lockout, administrator user management with
// last-admin protection, and the audit entries every state change appends. It speaks HTTP nowhere: the
// web layer calls Service and maps the *lms.Error codes it returns.
//
// The caller (signed-in user) of a method is taken from the context
// (lms.UserFrom) and the client's address and user agent from
// auth.ClientFrom; the web layer puts both there.
package auth
