package main

import (
	"io"
	"os"
	"time"

	"github.com/rs/zerolog"
)

// newLogger returns the process logger: human-readable on a terminal (or when
// format is "console"), JSON lines otherwise.
func newLogger(w io.Writer, format string, level zerolog.Level) zerolog.Logger {
	console := format == "console"
	if format == "auto" {
		if f, ok := w.(*os.File); ok {
			if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
				console = true
			}
		}
	}
	if console {
		w = zerolog.ConsoleWriter{Out: w, TimeFormat: time.TimeOnly}
	}
	return zerolog.New(w).Level(level).With().Timestamp().Logger()
}
