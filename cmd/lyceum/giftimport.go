package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/lyceumhq/lyceum/internal/assess"
	"github.com/lyceumhq/lyceum/internal/course"
	"github.com/lyceumhq/lyceum/internal/lms"
)

// giftImportDefaultCategory is where `lyceum import gift` puts questions
// when no -category is given.
const giftImportDefaultCategory = "Imported"

// importCmd dispatches `lyceum import KIND ...`.
func importCmd(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) error {
	if len(args) == 0 || args[0] != "gift" {
		return usageError{errors.New("import: want gift -course ID [-category PATH] FILE")}
	}
	return giftImportCmd(ctx, args[1:], stdin, stdout, stderr, getenv)
}

// giftImportCmd imports a GIFT file into a course's question bank as the
// operator: lyceum import gift -course ID [-category PATH] [-dry-run]
// [-valid-only] FILE. The category path ("/"-separated) is created as
// needed; the file's $CATEGORY: lines go below it. Problems go to stdout
// as FILE:LINE: reason; a file with problems imports nothing (and exits
// non-zero) unless -valid-only. Large files show a progress bar on stderr.
func giftImportCmd(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := cliFlags("import gift", stderr)
	var (
		courseID  = fs.Int64("course", 0, "the course whose question bank receives the questions (required)")
		catPath   = fs.String("category", giftImportDefaultCategory, "the category path, '/'-separated, created as needed")
		dryRun    = fs.Bool("dry-run", false, "only show what the import would do; change nothing")
		validOnly = fs.Bool("valid-only", false, "import the valid questions and skip those with problems")
	)
	file, rest := fileArg(args)
	if file == "" {
		return usageError{errors.New("import gift: want a GIFT file (or - for standard input): lyceum import gift -course ID [-category PATH] FILE")}
	}
	op, err := openOperator(ctx, fs, rest, stderr, getenv, false)
	if err != nil {
		return err
	}
	defer op.close()
	if *courseID <= 0 {
		return usageError{errors.New("import gift: -course ID is required")}
	}
	var src []byte
	if file == "-" {
		src, err = io.ReadAll(io.LimitReader(stdin, assess.MaxGIFTBytes+1))
	} else {
		src, err = readLimited(file, assess.MaxGIFTBytes+1)
	}
	if err != nil {
		return fmt.Errorf("import gift: %w", err)
	}
	courses, err := newCourses(op.cfg, op.db, nil, op.log)
	if err != nil {
		return err
	}
	svc, err := assess.New(assess.Params{Store: assess.FromStore(op.db), Access: operatorAccess{courses.Access, op.db},
		Logger: op.log})
	if err != nil {
		return err
	}
	cat, err := ensureCategoryPath(op.ctx, svc, op.actor, *courseID, *catPath, !*dryRun)
	if err != nil {
		return cliError(err)
	}
	if cat == 0 { // a dry run names a category that does not exist yet
		return fmt.Errorf("import gift: the category %q does not exist yet; run without -dry-run to create it", *catPath)
	}
	plan, err := svc.PreviewGIFT(op.ctx, op.actor, cat, src)
	if err != nil {
		return cliError(err)
	}
	for _, p := range plan.Skipped {
		fmt.Fprintf(stdout, "%s:%d: %s\n", file, p.Line, p.Reason)
	}
	if *dryRun {
		fmt.Fprintf(stdout, "%d questions would be imported into %s (%d new categories), %d skipped.\n",
			len(plan.Questions), *catPath, len(plan.NewCategories), len(plan.Skipped))
		return nil
	}
	if len(plan.Skipped) > 0 && !*validOnly {
		return errors.New("nothing was imported: fix the questions above, or run again with -valid-only")
	}
	bar := &progress{w: stderr, tty: isTerminal(stderr)}
	var show func(done, total int)
	if len(plan.Questions) >= progressMinRows {
		show = func(done, total int) { bar.update("import", done, total) }
	}
	plan, err = svc.ImportGIFTProgress(op.ctx, op.actor, cat, src, *validOnly, show)
	bar.done()
	if err != nil {
		return cliError(err)
	}
	fmt.Fprintf(stdout, "Imported %d questions into %s (%d new categories), %d skipped.\n",
		plan.Created, *catPath, len(plan.NewCategories), len(plan.Skipped))
	return nil
}

// operatorAccess lets the command line's operator (an administrator that
// is not an account, so the course loader refuses it) act in any course;
// everyone else goes through the loader.
type operatorAccess struct {
	assess.Access
	courses interface {
		CourseByID(ctx context.Context, id int64) (*lms.Course, error)
	}
}

// Load gives the operator an administrator's access to an existing course.
func (o operatorAccess) Load(ctx context.Context, u *lms.User, courseID int64, act lms.CourseAction) (*course.Access, error) {
	if u == nil || u.ID != 0 || !u.IsAdmin() {
		return o.Access.Load(ctx, u, courseID, act)
	}
	c, err := o.courses.CourseByID(ctx, courseID)
	if err != nil {
		return nil, err
	}
	return &course.Access{User: u, Course: c}, nil
}

// readLimited reads at most limit bytes of the file.
func readLimited(name string, limit int64) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, limit))
}

// ensureCategoryPath finds the category at path ("/"-separated names from
// the top) in the course's bank, creating the missing ones when create is
// set; 0 when it does not exist and create is not set.
func ensureCategoryPath(ctx context.Context, svc *assess.Service, actor *lms.User, courseID int64, path string, create bool) (int64, error) {
	cats, err := svc.ListCategories(ctx, actor, courseID)
	if err != nil {
		return 0, err
	}
	var parent int64
	for _, name := range strings.Split(path, "/") {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		var found int64
		for _, c := range cats {
			if c.ParentID == parent && c.Name == name {
				found = c.ID
				break
			}
		}
		if found == 0 {
			if !create {
				return 0, nil
			}
			c := &lms.QuestionCategory{CourseID: courseID, ParentID: parent, Name: name}
			if err := svc.CreateCategory(ctx, actor, c); err != nil {
				return 0, err
			}
			cats = append(cats, c)
			found = c.ID
		}
		parent = found
	}
	if parent == 0 {
		return 0, lms.FieldError("category", "Name a category.")
	}
	return parent, nil
}
