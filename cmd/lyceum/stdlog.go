package main

import (
	"log"
	"strings"

	"github.com/rs/zerolog"
)

// newStdLogger adapts zerolog for libraries that want a *log.Logger
// (net/http's ErrorLog).
func newStdLogger(l zerolog.Logger, component string) *log.Logger {
	return log.New(zerologWriter{l.With().Str("component", component).Logger()}, "", 0)
}

type zerologWriter struct{ l zerolog.Logger }

func (w zerologWriter) Write(p []byte) (int, error) {
	w.l.Warn().Msg(strings.TrimSpace(string(p)))
	return len(p), nil
}
