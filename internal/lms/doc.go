// Package lms holds Lyceum's domain: the types every other package speaks
// (users, roles, sessions, tokens, settings, audit entries, and later courses,
// lessons, quizzes ...), the error codes that every transport maps once, and
// small context helpers. It imports nothing of Lyceum's and only the standard
// library.
package lms
