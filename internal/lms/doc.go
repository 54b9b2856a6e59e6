// Package lms holds Lyceum's domain: the types every other package speaks
// (users, roles, sessions, tokens, settings, audit entries; courses,
// enrolments, groups, modules, lessons, uploads, progress; forums, threads,
// posts, chat rooms and messages, notifications; live feeds and the outbox
// of announcements), the course permission table, the error codes that
// every transport maps once, and small context helpers. It imports nothing
// of Lyceum's and only the standard library.
package lms
