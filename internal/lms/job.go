package lms

import "time"

// Job is a durable scheduled job: work of a kind (e.g. submitting an
// attempt left open at its deadline) that some node runs once at or after
// RunAt, even if the node that scheduled it has stopped. A job is found by
// its Key, unique across kinds (by convention "<kind>:<what>", e.g.
// "assess.autosubmit:42"): scheduling a key again replaces the job.
//
// A runner claims a due job for a lease (LockedBy, LockedUntil); when the
// lease runs out before the job is finished (its node died), another
// runner claims it again. A job that succeeds is deleted; one that keeps
// failing is kept with FailedAt and LastError and no longer run.
type Job struct {
	ID          int64
	Kind        string    // which handler runs it
	Key         string    // unique; names what the job is about
	Payload     []byte    // JSON for the handler
	RunAt       time.Time // not run before this time (UTC)
	Attempts    int       // runs started, the current one included
	LastError   string    // the latest failure, "" if none
	LockedBy    string    // the runner holding the current claim, "" if none
	LockedUntil time.Time // the current claim's lease ends then; zero if not claimed
	FailedAt    time.Time // when it was given up; zero while it will still run
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Failed reports whether the job was given up (it will not run again
// unless its key is scheduled anew).
func (j *Job) Failed() bool { return !j.FailedAt.IsZero() }

// Job key and kind limits.
const (
	MaxJobKindLen = 100 // bytes
	MaxJobKeyLen  = 300 // bytes
)
