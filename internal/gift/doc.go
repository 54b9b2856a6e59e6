// Package gift reads and writes Moodle's GIFT format, the plain-text quiz
// format teachers write by hand: questions separated by blank lines, an
// optional ::title::, answers between braces.
//
// Parse reads a whole file (UTF-8, with or without a byte order mark, LF or
// CRLF line ends) into Questions and reports every question it could not
// read as an Error with a line number and a reason, so a caller can offer
// "import only the valid questions"; ParseStrict fails if anything failed.
// Export writes questions back as GIFT; exporting what Parse returned and
// parsing it again gives the same questions.
//
// The package follows what Moodle's importer (question/format/gift) does
// and documents; where it is stricter or reads more (an error instead of a
// silent guess, ordering questions), docs/gift.md says so. Question is the
// package's own model, independent of the question bank: the bank maps it
// onto its own types. The JSON form of Question (one per line from
// `lyceum gift parse`) is documented in docs/gift.md.
//
// The package uses the standard library only and holds no state.
package gift
