// Package csvin reads the CSV files people upload to Lyceum (course rosters,
// site-wide user lists): a header row naming the columns, limits on size
// and rows, an optional byte-order mark, blank lines skipped, and the line
// number of every record so that problems can be reported per line. It
// knows nothing about what the columns mean.
package csvin

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// Format describes one kind of upload.
type Format struct {
	// Noun names the file in messages ("roster": "The roster file is empty.").
	Noun string
	// MaxBytes and MaxRows bound the file; more is ETOOLARGE for the whole file.
	MaxBytes int
	MaxRows  int
	// Aliases map other header names (lower case) to a column's name, e.g.
	// "e-mail" -> "email".
	Aliases map[string]string
}

// Record is one non-blank line after the header.
type Record struct {
	Line   int      // 1-based line in the file where the record starts (the header is line 1)
	Fields []string // trimmed fields, in file order
	Bad    bool     // the line is not valid CSV; Fields is empty
}

// Table is a read file: its columns and records.
type Table struct {
	columns []string       // header names after aliasing, in file order (first of duplicates kept)
	index   map[string]int // column name -> field index
	Records []Record
}

// Read reads a whole CSV file in format f. A file that is empty, has no
// header, is not CSV at all or exceeds the limits is an *lms.Error naming
// the field "file"; a record that is not valid CSV is kept with Bad set.
func Read(r io.Reader, f Format) (*Table, error) {
	data, err := io.ReadAll(io.LimitReader(r, int64(f.MaxBytes)+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", f.Noun, err)
	}
	if len(data) > f.MaxBytes {
		return nil, &lms.Error{Code: lms.ETOOLARGE, Field: "file",
			Message: fmt.Sprintf("The %s file is larger than %s.", f.Noun, size(f.MaxBytes))}
	}
	cr := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(data), "\ufeff")))
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, lms.FieldError("file", "The %s file is empty.", f.Noun)
	}
	if err != nil {
		return nil, lms.FieldError("file", "The %s file is not valid CSV: %v", f.Noun, err)
	}
	t := &Table{index: map[string]int{}}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		if a, ok := f.Aliases[h]; ok {
			h = a
		}
		if _, dup := t.index[h]; !dup {
			t.index[h] = i
			t.columns = append(t.columns, h)
		}
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if len(t.Records) >= f.MaxRows {
			return nil, &lms.Error{Code: lms.ETOOLARGE, Field: "file",
				Message: fmt.Sprintf("The %s has more than %d rows.", f.Noun, f.MaxRows)}
		}
		if err != nil {
			line := 0
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.StartLine
			}
			t.Records = append(t.Records, Record{Line: line, Bad: true})
			continue
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // blank line
		}
		line, _ := cr.FieldPos(0)
		for i := range rec {
			rec[i] = strings.TrimSpace(rec[i])
		}
		t.Records = append(t.Records, Record{Line: line, Fields: rec})
	}
	return t, nil
}

// Has reports whether the header names column.
func (t *Table) Has(column string) bool {
	_, ok := t.index[column]
	return ok
}

// Columns returns the header's column names (after aliasing), in order.
func (t *Table) Columns() []string { return t.columns }

// Get returns the record's field in column, "" when the column or the field
// is missing.
func (t *Table) Get(rec Record, column string) string {
	if i, ok := t.index[column]; ok && i < len(rec.Fields) {
		return rec.Fields[i]
	}
	return ""
}

// size formats a byte limit for messages: "1 MiB", "512 KiB", "100 bytes".
func size(n int) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	default:
		return fmt.Sprintf("%d bytes", n)
	}
}
