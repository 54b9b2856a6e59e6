package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/lyceumhq/lyceum/internal/gift"
)

// giftCmd works with GIFT files (Moodle's text quiz format):
//
//	lyceum gift parse FILE
//
// prints every question it could read as one JSON object per line
// (docs/gift.md), and every question it could not read to stderr as
// FILE:LINE: reason. It fails (exit status 1) when anything could not be
// read; the questions that could are printed all the same. FILE "-" is
// standard input. It needs no configuration and opens no database.
func giftCmd(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "parse" {
		return usageError{errors.New("gift: want parse FILE")}
	}
	fs := cliFlags("gift parse", stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: lyceum gift parse FILE\n\nPrints the questions of a GIFT file as JSON lines (docs/gift.md); errors go to stderr as FILE:LINE: reason.")
	}
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err}
	}
	if fs.NArg() != 1 {
		return usageError{errors.New("gift parse: want exactly one FILE (- for standard input)")}
	}
	name := fs.Arg(0)
	var src []byte
	var err error
	if name == "-" {
		src, err = io.ReadAll(stdin)
	} else {
		src, err = os.ReadFile(name)
	}
	if err != nil {
		return fmt.Errorf("gift parse: %w", err)
	}
	res := gift.Parse(src)
	out := bufio.NewWriter(stdout)
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	for _, q := range res.Questions {
		if err := enc.Encode(q); err != nil {
			return err
		}
	}
	if err := out.Flush(); err != nil {
		return err
	}
	for _, e := range res.Errors {
		fmt.Fprintf(stderr, "%s:%d: %s\n", name, e.Line, e.Reason)
	}
	if len(res.Errors) > 0 {
		return fmt.Errorf("gift parse: %s: %s, %s read", name, plural(len(res.Errors), "error"), plural(len(res.Questions), "question"))
	}
	return nil
}

// plural writes a count and a noun ("1 error", "2 errors").
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
