package lms

// CourseRole is a person's role inside one course.
type CourseRole string

// Course roles, from most to least privileged.
const (
	CourseInstructor CourseRole = "instructor"
	CourseTA         CourseRole = "ta"
	CourseLearner    CourseRole = "learner"
)

// Valid reports whether r is a known course role.
func (r CourseRole) Valid() bool {
	return r == CourseInstructor || r == CourseTA || r == CourseLearner
}

// CourseAction is something a person may try to do in a course.
type CourseAction string

// Course actions checked by Can.
const (
	ActViewContent  CourseAction = "view_content"  // read published lessons, join rooms
	ActViewDrafts   CourseAction = "view_drafts"   // see draft lessons and unpublished course
	ActEditContent  CourseAction = "edit_content"  // create, edit, reorder, publish lessons
	ActManagePeople CourseAction = "manage_people" // enrol, remove, change roles
	ActViewGrades   CourseAction = "view_grades"   // see every learner's grades and progress
	ActGrade        CourseAction = "grade"         // grade submissions
	ActModerate     CourseAction = "moderate"      // delete others' posts, mute, pin, lock
	ActRunLive      CourseAction = "run_live"      // start live quizzes and video sessions
	ActManageCourse CourseAction = "manage_course" // settings, archive, delete
	ActAnnounce     CourseAction = "announce"      // post, edit and delete course announcements
)

// coursePermissions is the permission table; docs/architecture.md shows it.
var coursePermissions = map[CourseRole]map[CourseAction]bool{
	CourseInstructor: {ActViewContent: true, ActViewDrafts: true, ActEditContent: true, ActManagePeople: true,
		ActViewGrades: true, ActGrade: true, ActModerate: true, ActRunLive: true, ActManageCourse: true, ActAnnounce: true},
	CourseTA: {ActViewContent: true, ActViewDrafts: true, ActViewGrades: true, ActGrade: true,
		ActModerate: true, ActRunLive: true, ActAnnounce: true},
	CourseLearner: {ActViewContent: true},
}

// Can reports whether a person with course role r (and site admin flag) may
// do action a. Site administrators may do everything. An empty role (not a
// member) may do nothing.
func Can(siteAdmin bool, r CourseRole, a CourseAction) bool {
	if siteAdmin {
		return true
	}
	return coursePermissions[r][a]
}
