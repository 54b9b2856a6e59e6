package lms

import "time"

// MaxCategoryDepth bounds the nesting of question categories.
const MaxCategoryDepth = 10

// QuestionCategory is a folder of a course's question bank. Categories nest:
// ParentID is 0 for a top-level category.
type QuestionCategory struct {
	ID        int64     `json:"id"`
	CourseID  int64     `json:"course_id"`
	ParentID  int64     `json:"parent_id,omitzero"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
}

// Validate checks a category's editable fields.
func (c *QuestionCategory) Validate() error {
	return CheckText("name", c.Name, MaxTitleChars, true)
}

// QuestionFilter selects the current versions of a bank's questions
// (deleted ones never), ordered by id.
type QuestionFilter struct {
	CourseID   int64        // required
	CategoryID int64        // 0: every category
	Type       QuestionType // "": every type
	Tag        string       // "": any; else questions with this tag (case-insensitive)
	Query      string       // "": all; else matched case-insensitively against title and text
	Limit      int
	Offset     int
}
