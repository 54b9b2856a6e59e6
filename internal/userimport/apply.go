package userimport

import (
	"context"
	"fmt"
	"runtime"

	"github.com/lyceumhq/lyceum/internal/course"
	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
)

// apply writes the rows without problems in one transaction: accounts,
// set-password links, names, enrolments and the audit entries (one
// user.import entry with the counts, and a user.update entry per renamed
// account; created accounts are counted in the import's entry rather than
// logged one by one, which would double the writes of a large file). Passwords
// are hashed before the transaction starts, so it is not held open for the
// hashing. Any store failure rolls back everything.
func (s *Service) apply(ctx context.Context, actor *lms.User, rep *Report, o Options) error {
	var toHash []*account
	for _, row := range rep.Rows {
		if row.Action == ActionCreate && row.acct.password != "" {
			toHash = append(toHash, row.acct)
		}
	}
	if err := s.hashPasswords(ctx, toHash, o); err != nil {
		return err
	}
	total := len(rep.Rows) - rep.Errors
	detail := rep.summary(true)
	if rep.Errors > 0 {
		detail += " Only the valid rows were imported."
	}
	err := s.store.InTx(ctx, func(tx store.Store) error {
		done := 0
		for i := range rep.Rows {
			row := &rep.Rows[i]
			if row.Action == ActionError {
				continue
			}
			if err := s.applyRow(ctx, actor, tx, row); err != nil {
				return err
			}
			done++
			o.report(StageSave, done, total)
		}
		return s.auth.Audit(ctx, actor, tx, lms.AuditUserImport, "users", detail)
	})
	if err != nil {
		return err
	}
	for i := range rep.Rows {
		row := &rep.Rows[i]
		if row.Action == ActionError {
			continue
		}
		row.UserID = row.acct.user.ID
		if row.Account != "" && row.acct.token != "" {
			row.SetPasswordURL = s.publicURL + "/set-password/" + row.acct.token
		}
	}
	return nil
}

// applyRow writes one row inside the import's transaction.
func (s *Service) applyRow(ctx context.Context, actor *lms.User, tx store.Store, row *Row) error {
	a := row.acct
	switch row.Account {
	case "create":
		if err := tx.CreateUser(ctx, a.user); err != nil {
			if lms.IsCode(err, lms.ECONFLICT) {
				return lms.Errorf(lms.ECONFLICT, "Line %d: the email address or username was taken while importing; nothing was imported. Try again.", row.Line)
			}
			return fmt.Errorf("userimport: line %d: create user: %w", row.Line, err)
		}
	case "update":
		if a.rename {
			a.user.Name = a.name
			if err := tx.UpdateUser(ctx, a.user); err != nil {
				return fmt.Errorf("userimport: line %d: update user: %w", row.Line, err)
			}
			if err := s.auth.Audit(ctx, actor, tx, lms.AuditUserUpdate, fmt.Sprintf("user:%d", a.user.ID), "name (import)"); err != nil {
				return err
			}
		}
	}
	if row.Account != "" && a.link {
		tok, err := s.auth.IssuePasswordLink(ctx, tx, a.user.ID)
		if err != nil {
			return err
		}
		a.token = tok
	}
	if row.Enrolment == course.RowEnrol || row.Enrolment == course.RowUpdate {
		e := &lms.Enrollment{CourseID: row.CourseID, UserID: a.user.ID, Role: row.Role, Status: lms.EnrollActive,
			GroupID: row.groupID}
		if err := tx.PutEnrollment(ctx, e); err != nil {
			return fmt.Errorf("userimport: line %d: enrol: %w", row.Line, err)
		}
	}
	return nil
}

// hashPasswords hashes the passwords of the accounts to create, a few at a
// time (the hasher bounds concurrent hashes for the whole process too).
func (s *Service) hashPasswords(ctx context.Context, accts []*account, o Options) error {
	if len(accts) == 0 {
		return nil
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	jobs := make(chan *account)
	results := make(chan error)
	workers := min(runtime.GOMAXPROCS(0), len(accts))
	for range workers {
		go func() {
			for a := range jobs {
				h, err := s.auth.Hasher().Hash(ctx, a.password)
				a.user.PasswordHash = h
				select {
				case results <- err:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() {
		defer close(jobs)
		for _, a := range accts {
			select {
			case jobs <- a:
			case <-ctx.Done():
				return
			}
		}
	}()
	for done := 1; done <= len(accts); done++ {
		select {
		case err := <-results:
			if err != nil {
				return fmt.Errorf("userimport: hash password: %w", err)
			}
		case <-ctx.Done():
			return ctx.Err()
		}
		o.report(StageHash, done, len(accts))
	}
	return nil
}
