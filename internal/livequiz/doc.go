// Package livequiz runs live quizzes: instructor-paced quiz games in a
// course room. It holds the rules (the answer window and grace, scoring
// with speed and streaks, team totals, the clock-offset estimator: pure
// functions over an injected clock) and the service that keeps every game
// in the store, so that any node serves any player and a player's score
// never depends on one node's memory. docs/livequiz.md describes the
// rules, the API and the protocol.
package livequiz
