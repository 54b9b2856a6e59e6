-- Live quizzes (SQLite): games in rooms with their state (phase,
-- current question, open and close times, pause) and a version every state
-- change compares and increments (compare-and-set across tabs and nodes);
-- each game's question snapshots (the lms.Question JSON in data), players
-- (course members by user_id, guests with a resume token hash; nickname_key
-- makes nicknames unique per game), and answers, unique per game, question
-- and player, and per game, player and idempotency key. A guest PIN is
-- unique among unfinished games. Times are unix milliseconds. Keep in step
-- with the PostgreSQL file.

-- +goose Up
CREATE TABLE live_quiz_games (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    room_id    INTEGER NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    course_id  INTEGER NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    owner_id   INTEGER NOT NULL,
    title      TEXT   NOT NULL,
    pin        TEXT   NOT NULL DEFAULT '',
    settings   TEXT   NOT NULL,
    phase      TEXT   NOT NULL DEFAULT 'lobby',
    idx        INTEGER NOT NULL DEFAULT -1,
    opened_at  INTEGER NOT NULL DEFAULT 0,
    closes_at  INTEGER NOT NULL DEFAULT 0,
    paused_at  INTEGER NOT NULL DEFAULT 0,
    version    INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX live_quiz_games_room_idx ON live_quiz_games (room_id);
CREATE UNIQUE INDEX live_quiz_games_pin_key ON live_quiz_games (pin) WHERE (pin <> '') AND (phase <> 'finished');

CREATE TABLE live_quiz_questions (
    game_id   INTEGER NOT NULL REFERENCES live_quiz_games (id) ON DELETE CASCADE,
    idx       INTEGER NOT NULL,
    source_id INTEGER NOT NULL DEFAULT 0,
    seconds   INTEGER NOT NULL,
    image     TEXT    NOT NULL DEFAULT '',
    data      TEXT    NOT NULL,
    PRIMARY KEY (game_id, idx)
) STRICT;

CREATE TABLE live_quiz_players (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    game_id      INTEGER NOT NULL REFERENCES live_quiz_games (id) ON DELETE CASCADE,
    user_id      INTEGER NOT NULL DEFAULT 0,
    nickname     TEXT   NOT NULL,
    nickname_key TEXT   NOT NULL,
    team         INTEGER NOT NULL DEFAULT 0,
    token_hash   BLOB,
    joined_at    INTEGER NOT NULL,
    removed_at   INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE UNIQUE INDEX live_quiz_players_nickname_key ON live_quiz_players (game_id, nickname_key);
CREATE UNIQUE INDEX live_quiz_players_user_key ON live_quiz_players (game_id, user_id) WHERE user_id <> 0;
CREATE UNIQUE INDEX live_quiz_players_token_key ON live_quiz_players (token_hash) WHERE token_hash IS NOT NULL;

CREATE TABLE live_quiz_answers (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    game_id     INTEGER NOT NULL REFERENCES live_quiz_games (id) ON DELETE CASCADE,
    idx         INTEGER NOT NULL,
    player_id   INTEGER NOT NULL REFERENCES live_quiz_players (id) ON DELETE CASCADE,
    idem_key    TEXT    NOT NULL,
    response    TEXT    NOT NULL,
    fraction    REAL NOT NULL,
    points      REAL NOT NULL,
    elapsed_ms  INTEGER NOT NULL,
    received_at INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX live_quiz_answers_once_key ON live_quiz_answers (game_id, idx, player_id);
CREATE UNIQUE INDEX live_quiz_answers_idem_key ON live_quiz_answers (game_id, player_id, idem_key);

-- +goose Down
DROP TABLE live_quiz_answers;
DROP TABLE live_quiz_players;
DROP TABLE live_quiz_questions;
DROP TABLE live_quiz_games;
