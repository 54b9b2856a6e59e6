package lms

import "time"

// Privacy audit actions (internal/privacy).
const (
	AuditDataExport       = "privacy.export"            // a user downloaded their data
	AuditDeletionRequest  = "privacy.deletion_request"  // a user asked for their account's deletion
	AuditDeletionWithdraw = "privacy.deletion_withdraw" // a user took the request back
	AuditAnonymise        = "privacy.anonymise"         // an administrator anonymised a user
	AuditRetentionChange  = "privacy.retention"         // an administrator changed the retention setting
)

// DeletedUserName is what an anonymised account is called: its posts and
// messages stay, under this name.
const DeletedUserName = "Deleted user"

// MaxDeletionReason bounds the reason a user gives for a deletion request.
const MaxDeletionReason = 1000

// DeletionRequest is a user asking the administrators to delete their
// account.
type DeletionRequest struct {
	UserID    int64     `json:"user_id"`
	Reason    string    `json:"reason"`
	CreatedAt time.Time `json:"created_at"`
	// Username and Name are filled by lists from the user (read only).
	Username string `json:"username,omitempty"`
	Name     string `json:"name,omitempty"`
}

// Retention is the site's privacy retention setting.
type Retention struct {
	// KeepGrades keeps an anonymised user's grades, submissions and quiz
	// attempts (under "Deleted user") for the school's records; false
	// removes them with the rest.
	KeepGrades bool `json:"keep_grades"`
}
