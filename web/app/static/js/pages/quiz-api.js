// The assessment API calls (docs/api.md, section "Assessments"): question
// bank, GIFT, quizzes, attempts and statistics, in one place.
import { api, get, getAll, post, patch, del, query, BASE } from "../api.js";

const c = (id, rest = "") => `/courses/${id}${rest}`;

/** noTime clears an optional time in a PATCH body (the zero time: none). */
const noTime = "0001-01-01T00:00:00Z";

/** pick keeps the keys of o that a PATCH body takes (and o has). */
const pick = (o, keys) => Object.fromEntries(keys.filter((k) => o[k] !== undefined && o[k] !== null).map((k) => [k, o[k]]));

// The fields PATCH /questions/{id} and PATCH /quizzes/{id} take (a question's type never changes).
const questionFields = ["category_id", "title", "text_md", "general_feedback_md", "hints", "default_points", "try_penalty", "tags", "body"];
const quizFields = ["lesson_id", "title", "intro_md", "draft", "slots", "shuffle_questions", "shuffle_answers", "opens_at", "closes_at",
  "time_limit_seconds", "attempts_allowed", "grading_method", "pass_percent", "review", "behaviour", "access_code"];

// Question bank.
export const listCategories = (id, signal) => getAll(c(id, "/question-categories"), { signal });
export const createCategory = (id, body) => post(c(id, "/question-categories"), body);
export const deleteCategory = (catID) => del(`/question-categories/${catID}`);
export const listQuestions = (id, params, signal) => get(c(id, `/questions${query(params)}`), { signal });
export const createQuestion = (id, body) => post(c(id, "/questions"), body);
export const previewQuestion = (id, body, signal, seed) => post(c(id, `/questions/preview${query({ seed: seed || "" })}`), body, { signal });
export const getQuestion = (qid, signal) => get(`/questions/${qid}`, { signal });
/** updateQuestion saves an edited question (the editor's whole state) as a PATCH of its editable fields. */
export const updateQuestion = (qid, q) => patch(`/questions/${qid}`, pick(q, questionFields));
export const deleteQuestion = (qid) => del(`/questions/${qid}`);
export const duplicateQuestion = (qid) => post(`/questions/${qid}/duplicate`);
/** importGIFT sends a GIFT file: dryRun previews, validOnly skips the bad questions. */
export const importGIFT = (catID, file, { dryRun, validOnly } = {}) =>
  api("POST", `/question-categories/${catID}/gift${query({ dry_run: dryRun ? 1 : undefined, valid_only: validOnly ? 1 : undefined })}`,
    { body: file, contentType: "text/plain" });
export const categoryGIFTURL = (catID) => `${BASE}/question-categories/${catID}/gift`;
export const bankGIFTURL = (id) => `${BASE}${c(id, "/questions.gift")}`;

// Quizzes.
export const listQuizzes = (id, signal) => getAll(c(id, "/quizzes"), { signal });
export const createQuiz = (id, body) => post(c(id, "/quizzes"), body);
export const getQuiz = (qid, signal) => get(`/quizzes/${qid}`, { signal });
/** updateQuiz saves the quiz builder's whole state: a time it left out is cleared. */
export const updateQuiz = (qid, q) => patch(`/quizzes/${qid}`, { opens_at: noTime, closes_at: noTime, access_code: "", ...pick(q, quizFields) });
export const deleteQuiz = (qid) => del(`/quizzes/${qid}`);
export const quizStats = (qid, signal) => get(`/quizzes/${qid}/statistics`, { signal });
export const responsesCSVURL = (qid) => `${BASE}/quizzes/${qid}/responses.csv`;
export const regrade = (qid, dryRun) => post(`/quizzes/${qid}/regrade`, { dry_run: dryRun });

// Attempts.
export const listAttempts = (qid, signal) => getAll(`/quizzes/${qid}/attempts`, { signal });
export const startAttempt = (qid, accessCode) => post(`/quizzes/${qid}/attempts`, accessCode ? { access_code: accessCode } : {});
export const getAttempt = (aid, signal) => get(`/attempts/${aid}`, { signal });
export const saveAnswer = (aid, slot, answer) => patch(`/attempts/${aid}/slots/${slot}`, { answer });
export const checkAnswer = (aid, slot, response) => post(`/attempts/${aid}/slots/${slot}/check`, { response });
export const flagSlot = (aid, slot, flagged) => patch(`/attempts/${aid}/slots/${slot}`, { flagged });
export const gradeSlot = (aid, slot, points, comment) => patch(`/attempts/${aid}/slots/${slot}`, { points, comment });
export const submitAttempt = (aid) => post(`/attempts/${aid}/submit`);

/** Paths of the quiz pages. */
export const quizPath = (courseID, quizID, rest = "") => `/courses/${courseID}/quizzes/${quizID}${rest ? `/${rest}` : ""}`;
export const attemptPath = (courseID, attemptID) => `/courses/${courseID}/attempts/${attemptID}`;

export const typeLabels = {
  single: "Single choice", multiple: "Multiple choice", truefalse: "True / false", shortanswer: "Short answer",
  numerical: "Numerical", matching: "Matching", ordering: "Ordering", blanks: "Fill in the blanks",
  calculated: "Calculated", essay: "Essay", description: "Description",
};

// Overrides (accommodations: other dates, time limit, attempts for a learner or a group).
export const listOverrides = (qid, signal) => getAll(`/quizzes/${qid}/overrides`, { signal });
export const putOverride = (qid, body) => post(`/quizzes/${qid}/overrides`, body);
export const deleteOverride = (qid, oid) => del(`/quizzes/${qid}/overrides/${oid}`);
