// Package question is the question engine: it grades every question type
// of internal/lms, parses and evaluates calculated questions' formulas
// safely (a hand-written parser, never code evaluation), draws each
// learner's numbers and shuffles from a seed, builds what a learner may see
// during an attempt (LearnerView: nothing that gives the answer away) and
// after it (Review, by the quiz's review options), replays interactive
// tries with their penalty and hints, turns credits into points, and
// tallies answer distributions for live quizzes and statistics.
//
// It holds no state and does no I/O: the assessment service stores
// questions, instances and responses, and calls it. docs/questions.md
// documents the JSON of every type and every grading rule.
package question
