package lms

// EnrolMode is how people enrol themselves in a listed course from the
// catalogue. Join codes and invitations work whatever the mode.
type EnrolMode string

// Enrolment modes.
const (
	EnrolOpen     EnrolMode = "open"     // anyone signed in joins at once
	EnrolApproval EnrolMode = "approval" // a request that staff approve or decline
	EnrolClosed   EnrolMode = "closed"   // listed for information; join by code or invitation only
)

// Valid reports whether m is a known mode.
func (m EnrolMode) Valid() bool { return m == EnrolOpen || m == EnrolApproval || m == EnrolClosed }

// Enrolment returns the course's enrolment mode, EnrolClosed when unset.
func (c *Course) Enrolment() EnrolMode {
	if c.EnrolMode == "" {
		return EnrolClosed
	}
	return c.EnrolMode
}

// InCatalog reports whether the course is shown in the catalogue: listed
// and published (drafts and archived courses never are).
func (c *Course) InCatalog() bool { return c.Listed && c.Visibility == CoursePublished }

// CatalogFilter selects a page of the catalogue: published, listed courses
// ordered by title (case-insensitively), then id.
type CatalogFilter struct {
	// Query is matched case-insensitively against the title, code,
	// description and the names and usernames of the active instructors;
	// "" for all.
	Query  string
	Limit  int
	Offset int
}
