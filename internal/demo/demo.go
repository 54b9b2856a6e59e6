// Package demo seeds a ready-to-explore site: demo accounts with one shared
// password, a published course with modules and lessons (an image and a
// short video among them), some learner progress, a discussion thread with
// replies and a room with chat history. Seeding is idempotent: running it
// again changes nothing and returns the same accounts.
//
// Everything is created through the same services the product uses
// (course.Service), so the demo data obeys the same rules as real data.
package demo

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/rs/zerolog"

	"github.com/lyceumhq/lyceum/internal/auth"
	"github.com/lyceumhq/lyceum/internal/course"
	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
)

// Password is the password of every demo account. It is public: seed the
// demo only on a site meant for trying Lyceum out.
const Password = "lyceum-demo"

// Demo course identity.
const (
	CourseCode  = "DEMO-101"
	CourseTitle = "Introduction to Astronomy"
	// markerKey is the settings value that records the finished demo
	// course's id; without it a demo course is a leftover of an
	// interrupted run and is rebuilt.
	markerKey = "demo.course_id"
	// emailDomain is the domain of the demo accounts' addresses.
	emailDomain = "@demo.example.com"
)

// Demo usernames.
const (
	AdminUsername      = "demo-admin"
	InstructorUsername = "demo-instructor"
	TAUsername         = "demo-ta"
)

// learnerCount is how many demo learners there are (demo-learner1 ...).
const learnerCount = 4

// LearnerUsername returns the username of demo learner i (1-based).
func LearnerUsername(i int) string { return "demo-learner" + strconv.Itoa(i) }

// Params are Seed's dependencies.
type Params struct {
	// Auth provides the password hasher for the demo accounts.
	Auth *auth.Service
	// Courses creates the course content. Build it without a Publisher
	// (or with one wired to a running hub): seeding announces its changes
	// through it.
	Courses *course.Services
	Store   store.Store
	Log     zerolog.Logger
}

// Account is a demo account to sign in with.
type Account struct {
	Username string `json:"username"`
	Name     string `json:"name"`
	Role     string `json:"role"` // what the account is, in words
}

// Accounts is what Seed made: the accounts, their shared password and the
// demo course.
type Accounts struct {
	Password string    `json:"password"`
	Users    []Account `json:"users"`
	CourseID int64     `json:"course_id"`
	Course   string    `json:"course"`
	JoinCode string    `json:"join_code"`
}

// Print writes the accounts as a short table for the terminal.
func (a Accounts) Print(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "Demo accounts (password %q for all):\n", a.Password)
	for _, u := range a.Users {
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", u.Username, u.Name, u.Role)
	}
	fmt.Fprintf(tw, "Course %q (id %d); other accounts can join it with the code %s.\n", a.Course, a.CourseID, a.JoinCode)
	return tw.Flush()
}

// String returns the printed table.
func (a Accounts) String() string {
	var b strings.Builder
	_ = a.Print(&b)
	return b.String()
}

// person is a demo account to create.
type person struct {
	username, name, role string
	admin                bool
}

func people(withAdmin bool) []person {
	var out []person
	if withAdmin {
		out = append(out, person{AdminUsername, "Ada Admin", "site administrator", true})
	}
	out = append(out,
		person{InstructorUsername, "Iris Instructor", "instructor of " + CourseCode, false},
		person{TAUsername, "Theo Assistant", "teaching assistant of " + CourseCode, false})
	names := []string{"Lena Learner", "Omar Okafor", "Mei Tanaka", "Sam Rivera"}
	for i := 1; i <= learnerCount; i++ {
		out = append(out, person{LearnerUsername(i), names[(i-1)%len(names)], "learner in " + CourseCode, false})
	}
	return out
}

// Seed creates the demo site, or finds it already there, and returns the
// accounts to print. The administrator demo-admin is created only on a
// site without users (so the demo site can be administered); an existing
// site keeps its own administrators.
func Seed(ctx context.Context, p Params) (Accounts, error) {
	if p.Auth == nil || p.Courses == nil || p.Store == nil {
		return Accounts{}, fmt.Errorf("demo: Params needs Auth, Courses and Store")
	}
	withAdmin, err := p.Auth.SetupNeeded(ctx)
	if err != nil {
		return Accounts{}, err
	}
	if _, err := p.Store.UserByLogin(ctx, AdminUsername); err == nil {
		withAdmin = true
	}
	users := map[string]*lms.User{}
	acc := Accounts{Password: Password, Course: CourseTitle}
	for _, pe := range people(withAdmin) {
		u, err := ensureUser(ctx, p, pe)
		if err != nil {
			return Accounts{}, err
		}
		users[pe.username] = u
		acc.Users = append(acc.Users, Account{Username: u.Username, Name: u.Name, Role: pe.role})
	}
	c, err := demoCourse(ctx, p, users)
	if err != nil {
		return Accounts{}, err
	}
	acc.CourseID, acc.JoinCode = c.ID, c.JoinCode
	return acc, nil
}

// ensureUser returns the demo account, creating it when missing. An
// existing account is left as it is.
func ensureUser(ctx context.Context, p Params, pe person) (*lms.User, error) {
	u, err := p.Store.UserByLogin(ctx, pe.username)
	if err == nil {
		return u, nil
	}
	if !lms.IsCode(err, lms.ENOTFOUND) {
		return nil, fmt.Errorf("demo: look up %s: %w", pe.username, err)
	}
	u = &lms.User{Email: pe.username + emailDomain, Username: pe.username, Name: pe.name, Role: lms.SiteUser}
	if pe.admin {
		u.Role = lms.SiteAdmin
	}
	if u.PasswordHash, err = p.Auth.Hasher().Hash(ctx, Password); err != nil {
		return nil, fmt.Errorf("demo: hash the password: %w", err)
	}
	if err := p.Store.CreateUser(ctx, u); err != nil {
		return nil, fmt.Errorf("demo: create %s: %w", pe.username, err)
	}
	p.Log.Info().Str("username", u.Username).Msg("demo account created")
	return u, nil
}

// demoCourse returns the finished demo course, building it (again) when
// there is none.
func demoCourse(ctx context.Context, p Params, users map[string]*lms.User) (*lms.Course, error) {
	if v, err := p.Store.GetValue(ctx, markerKey); err == nil {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			c, err := p.Store.CourseByID(ctx, id)
			if err == nil {
				return c, nil
			}
			if !lms.IsCode(err, lms.ENOTFOUND) {
				return nil, fmt.Errorf("demo: load the demo course: %w", err)
			}
		}
	} else if !lms.IsCode(err, lms.ENOTFOUND) {
		return nil, fmt.Errorf("demo: read the demo marker: %w", err)
	}
	ins := users[InstructorUsername]
	if err := dropLeftovers(ctx, p, ins); err != nil {
		return nil, err
	}
	c, err := build(ctx, p, users)
	if err != nil {
		return nil, fmt.Errorf("demo: build the course: %w", err)
	}
	if err := p.Store.PutValue(ctx, markerKey, strconv.FormatInt(c.ID, 10)); err != nil {
		return nil, fmt.Errorf("demo: record the demo course: %w", err)
	}
	p.Log.Info().Int64("course_id", c.ID).Msg("demo course created")
	return c, nil
}

// dropLeftovers deletes demo courses an interrupted run left half built.
func dropLeftovers(ctx context.Context, p Params, ins *lms.User) error {
	list, _, err := p.Courses.Courses.ListCourses(ctx, ins, lms.CourseFilter{MemberID: ins.ID, Query: CourseCode, Limit: lms.MaxPageSize})
	if err != nil {
		return fmt.Errorf("demo: list the instructor's courses: %w", err)
	}
	for _, c := range list {
		if c.Code != CourseCode || c.CreatedBy != ins.ID {
			continue
		}
		if err := p.Courses.Courses.DeleteCourse(ctx, ins, c.ID); err != nil {
			return fmt.Errorf("demo: delete a half-built demo course: %w", err)
		}
		p.Log.Warn().Int64("course_id", c.ID).Msg("deleted a half-built demo course")
	}
	return nil
}
