// Package auth owns Lyceum's authentication and account rules: argon2id
// password hashing with bounded concurrency, opaque session tokens and
// personal API tokens (stored only as SHA-256 hashes), the one-time setup
// token, sign-up policies, invitations, one-time set-password links, login
// rate limits with exponential back-off counted in the shared store (so they
// hold on every node) and device tokens that let a browser which signed in
// before through an account lockout, administrator user management with
// last-admin protection, and the audit entries every state change appends.
// It speaks HTTP nowhere: the web layer calls Service and maps the *lms.Error codes it returns.
//
// Every method that acts for someone takes the acting user explicitly (the
// argument after ctx), as every service of Lyceum does; the client's
// address and user agent come from the context (lms.ClientFrom), where the
// web layer puts them.
package auth
