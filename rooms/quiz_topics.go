package rooms

import (
	"strconv"
	"strings"
)

// Live quiz topics (docs/livequiz.md, "Protocol"):
//
//	quiz:<gameID>              the players' view: state, lobby count, live
//	                           count, results, leaderboard, podium; the server
//	                           publishes
//	quiz:<gameID>:staff        the presenter and control view (run_live):
//	                           lobby with names, live chart; staff publish
//	                           control commands on it
//	quiz:<gameID>:p<playerID>  one player's channel: they publish sync,
//	                           answer and me; the server pushes their own
//	                           standing after each close
const (
	quizTopicPrefix = "quiz:"
	quizStaffSuffix = ":staff"
	quizPlayerPart  = ":p"
)

// QuizTopic is a game's players' topic.
func QuizTopic(gameID int64) string { return quizTopicPrefix + strconv.FormatInt(gameID, 10) }

// QuizStaffTopic is a game's staff topic.
func QuizStaffTopic(gameID int64) string { return QuizTopic(gameID) + quizStaffSuffix }

// QuizPlayerTopic is one player's topic.
func QuizPlayerTopic(gameID, playerID int64) string {
	return QuizTopic(gameID) + quizPlayerPart + strconv.FormatInt(playerID, 10)
}

// quizKind says which kind of quiz topic a name is.
type quizKind int

const (
	quizPlayers quizKind = iota + 1
	quizStaff
	quizPlayer
)

// quizTopic reads a quiz topic back (canonical ids only).
func quizTopic(topic string) (gameID int64, kind quizKind, playerID int64, ok bool) {
	rest, found := strings.CutPrefix(topic, quizTopicPrefix)
	if !found {
		return 0, 0, 0, false
	}
	game, tail, _ := strings.Cut(rest, ":")
	if gameID, ok = canonicalID(game); !ok {
		return 0, 0, 0, false
	}
	switch {
	case tail == "" && !strings.Contains(rest, ":"):
		return gameID, quizPlayers, 0, true
	case tail == "staff":
		return gameID, quizStaff, 0, true
	case strings.HasPrefix(tail, "p"):
		if playerID, ok = canonicalID(tail[1:]); ok {
			return gameID, quizPlayer, playerID, true
		}
	}
	return 0, 0, 0, false
}
