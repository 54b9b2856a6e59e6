package main

import (
	"fmt"
	"io"
	"os"
	"strings"
)

// Progress display.
const (
	progressBarWidth = 30 // characters of the bar on a terminal
	progressLineStep = 10 // without a terminal, a line per this many percent
)

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// progress shows how far the stages of a long task are: on a terminal one
// bar per stage, redrawn in place; elsewhere (a log, a pipe) a plain line
// per progressLineStep percent, so logs stay readable.
type progress struct {
	w     io.Writer
	tty   bool
	stage string // the stage being shown
	shown int    // without a terminal: the last percentage written
}

// update shows that done of total items of stage are done.
func (p *progress) update(stage string, done, total int) {
	if total <= 0 {
		return
	}
	pct := done * 100 / total
	if stage != p.stage {
		if p.tty && p.stage != "" {
			fmt.Fprintln(p.w) // keep the finished bar
		}
		p.stage, p.shown = stage, -1
	}
	if p.tty {
		filled := done * progressBarWidth / total
		fmt.Fprintf(p.w, "\r%-9s [%s%s] %3d%% %d/%d", stage, strings.Repeat("#", filled),
			strings.Repeat("-", progressBarWidth-filled), pct, done, total)
		return
	}
	if pct/progressLineStep > p.shown/progressLineStep || (done == total && p.shown < 100) {
		fmt.Fprintf(p.w, "%s: %d/%d (%d%%)\n", stage, done, total, pct)
		p.shown = pct
	}
}

// done ends the display (the bar's line on a terminal).
func (p *progress) done() {
	if p.tty && p.stage != "" {
		fmt.Fprintln(p.w)
	}
	p.stage = ""
}
