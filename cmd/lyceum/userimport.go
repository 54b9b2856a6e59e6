package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/lyceumhq/lyceum/internal/userimport"
)

// progressMinRows: files with fewer rows import without a progress display.
const progressMinRows = 500

// userImportCmd imports users from a CSV file as the operator:
// lyceum user import FILE [-dry-run] [-valid-only] [-update-existing].
// Problems, notes and set-password links go to stdout, progress to stderr.
// A file with problems imports nothing (and exits non-zero) unless
// -valid-only.
func userImportCmd(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := cliFlags("user import", stderr)
	var (
		dryRun    = fs.Bool("dry-run", false, "only show what the import would do; change nothing")
		validOnly = fs.Bool("valid-only", false, "import the valid rows and skip the rows with problems")
		update    = fs.Bool("update-existing", false, "set existing accounts' names from the file (default: keep them)")
	)
	file, rest := fileArg(args)
	if file == "" {
		return errors.New("user import: want a CSV file (or - for standard input): lyceum user import FILE [-dry-run] [-valid-only]")
	}
	op, err := openOperator(ctx, fs, rest, stderr, getenv, false)
	if err != nil {
		return err
	}
	defer op.close()
	imports, err := userimport.New(userimport.Params{Store: op.db, Auth: op.auth, Logger: op.log, PublicURL: op.cfg.PublicURL})
	if err != nil {
		return err
	}
	in := stdin
	if file != "-" {
		f, err := os.Open(file)
		if err != nil {
			return fmt.Errorf("user import: %w", err)
		}
		defer f.Close()
		in = f
	}
	o := userimport.Options{DryRun: *dryRun, ValidOnly: *validOnly, Existing: userimport.ExistingSkip}
	if *update {
		o.Existing = userimport.ExistingUpdate
	}
	bar := &progress{w: stderr, tty: isTerminal(stderr)}
	large := false
	o.Progress = func(p userimport.Progress) {
		if p.Stage == userimport.StageCheck && p.Total >= progressMinRows {
			large = true
		}
		if large {
			bar.update(p.Stage, p.Done, p.Total)
		}
	}
	rep, err := imports.Import(op.ctx, op.actor, in, o)
	bar.done()
	if err != nil {
		return cliError(err)
	}
	printImport(stdout, rep)
	if !rep.Applied && !rep.DryRun && rep.Errors > 0 {
		return errors.New("nothing was imported: fix the rows above, or run again with -valid-only")
	}
	return nil
}

// fileArg splits the FILE argument from the flags: the first argument when
// it is not a flag, else the last one.
func fileArg(args []string) (string, []string) {
	isFile := func(a string) bool { return a == "-" || !strings.HasPrefix(a, "-") }
	switch {
	case len(args) == 0:
		return "", args
	case isFile(args[0]):
		return args[0], args[1:]
	case isFile(args[len(args)-1]):
		return args[len(args)-1], args[:len(args)-1]
	}
	return "", args
}

// printImport writes the rows with problems or notes, the set-password
// links and the summary.
func printImport(w io.Writer, rep *userimport.Report) {
	for _, r := range rep.Rows {
		for _, p := range r.Problems {
			field := p.Field
			if field == "" {
				field = "line"
			}
			fmt.Fprintf(w, "line %d: %s: %s\n", r.Line, field, p.Reason)
		}
		if r.Note != "" && r.Action != userimport.ActionError {
			fmt.Fprintf(w, "line %d: %s %s: %s\n", r.Line, r.Action, r.Username, r.Note)
		}
	}
	first := true
	for _, r := range rep.Rows {
		if r.SetPasswordURL == "" {
			continue
		}
		if first {
			fmt.Fprintln(w, "Set-password links (shown once; pass each on to its person):")
			first = false
		}
		fmt.Fprintf(w, "  %s <%s>: %s\n", r.Username, r.Email, r.SetPasswordURL)
	}
	fmt.Fprintln(w, rep.Message)
}
