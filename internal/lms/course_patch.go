package lms

import (
	"strings"
	"time"
)

// CoursePatch changes some fields of a course: a nil field stays as
// stored, so two people saving different fields at once both keep their
// change (the store writes only the fields set). Join settings need
// manage_people; every other field needs manage_course.
type CoursePatch struct {
	Title       *string           `json:"title,omitempty"`
	Code        *string           `json:"code,omitempty"`
	Description *string           `json:"description,omitempty"`
	CoverPath   *string           `json:"cover_path,omitempty"`
	Visibility  *CourseVisibility `json:"visibility,omitempty"`
	StartsAt    *time.Time        `json:"starts_at,omitempty"`
	EndsAt      *time.Time        `json:"ends_at,omitempty"`
	Listed      *bool             `json:"listed,omitempty"`
	EnrolMode   *EnrolMode        `json:"enrol_mode,omitempty"`
	// JoinEnabled, JoinExpiresAt and JoinNeedsApprove are the join-code
	// settings; JoinCode is set by the server only (a new code).
	JoinEnabled      *bool      `json:"join_enabled,omitempty"`
	JoinExpiresAt    *time.Time `json:"join_expires_at,omitempty"`
	JoinNeedsApprove *bool      `json:"join_needs_approval,omitempty"`
	JoinCode         *string    `json:"-"`
	// RegenerateJoinCode asks for a new join code (the old one stops
	// working); the server sets JoinCode. Enabling joins on a course that
	// has no code yet also makes one.
	RegenerateJoinCode bool `json:"regenerate_join_code,omitempty"`
}

// Empty reports whether p changes nothing.
func (p CoursePatch) Empty() bool { return p == CoursePatch{} }

// Joins reports whether p changes join settings (manage_people).
func (p CoursePatch) Joins() bool {
	return p.JoinEnabled != nil || p.JoinExpiresAt != nil || p.JoinNeedsApprove != nil || p.JoinCode != nil ||
		p.RegenerateJoinCode
}

// Settings reports whether p changes anything but join settings
// (manage_course).
func (p CoursePatch) Settings() bool {
	q := p
	q.JoinEnabled, q.JoinExpiresAt, q.JoinNeedsApprove, q.JoinCode, q.RegenerateJoinCode = nil, nil, nil, nil, false
	return !q.Empty()
}

// Trim trims the title and code as the store keeps them.
func (p *CoursePatch) Trim() {
	for _, s := range []*string{p.Title, p.Code} {
		if s != nil {
			*s = strings.TrimSpace(*s)
		}
	}
}

// Apply sets the fields p sets on c.
func (p CoursePatch) Apply(c *Course) {
	SetTo(&c.Title, p.Title)
	SetTo(&c.Code, p.Code)
	SetTo(&c.Description, p.Description)
	SetTo(&c.CoverPath, p.CoverPath)
	SetTo(&c.Visibility, p.Visibility)
	SetTo(&c.StartsAt, p.StartsAt)
	SetTo(&c.EndsAt, p.EndsAt)
	SetTo(&c.Listed, p.Listed)
	SetTo(&c.EnrolMode, p.EnrolMode)
	SetTo(&c.JoinEnabled, p.JoinEnabled)
	SetTo(&c.JoinExpiresAt, p.JoinExpiresAt)
	SetTo(&c.JoinNeedsApprove, p.JoinNeedsApprove)
	SetTo(&c.JoinCode, p.JoinCode)
}

// SetTo copies *src into *dst when src is set.
func SetTo[T any](dst *T, src *T) {
	if src != nil {
		*dst = *src
	}
}
