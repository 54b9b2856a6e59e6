// The assessment API calls (docs/api.md, section "Assessments"): question
// bank, GIFT, quizzes, attempts and statistics, in one place.
import { api, get, post, put, patch, del, query, BASE } from "../api.js";

const c = (id, rest = "") => `/courses/${id}${rest}`;

// Question bank.
export const listCategories = (id, signal) => get(c(id, "/question-categories"), { signal });
export const createCategory = (id, body) => post(c(id, "/question-categories"), body);
export const deleteCategory = (catID) => del(`/question-categories/${catID}`);
export const listQuestions = (id, params, signal) => get(c(id, `/questions${query(params)}`), { signal });
export const createQuestion = (id, body) => post(c(id, "/questions"), body);
export const previewQuestion = (id, body, signal) => post(c(id, "/questions/preview"), body, { signal });
export const getQuestion = (qid, signal) => get(`/questions/${qid}`, { signal });
export const updateQuestion = (qid, body) => patch(`/questions/${qid}`, body);
export const deleteQuestion = (qid) => del(`/questions/${qid}`);
export const duplicateQuestion = (qid) => post(`/questions/${qid}/duplicate`);
/** importGIFT sends a GIFT file: dryRun previews, validOnly skips the bad questions. */
export const importGIFT = (catID, file, { dryRun, validOnly } = {}) =>
  api("POST", `/question-categories/${catID}/gift${query({ dry_run: dryRun ? 1 : undefined, valid_only: validOnly ? 1 : undefined })}`,
    { body: file, contentType: "text/plain" });
export const categoryGIFTURL = (catID) => `${BASE}/question-categories/${catID}/gift`;
export const bankGIFTURL = (id) => `${BASE}${c(id, "/questions.gift")}`;

// Quizzes.
export const listQuizzes = (id, signal) => get(c(id, "/quizzes"), { signal });
export const createQuiz = (id, body) => post(c(id, "/quizzes"), body);
export const getQuiz = (qid, signal) => get(`/quizzes/${qid}`, { signal });
export const updateQuiz = (qid, body) => patch(`/quizzes/${qid}`, body);
export const deleteQuiz = (qid) => del(`/quizzes/${qid}`);
export const quizStats = (qid, signal) => get(`/quizzes/${qid}/statistics`, { signal });
export const responsesCSVURL = (qid) => `${BASE}/quizzes/${qid}/responses.csv`;
export const regrade = (qid, dryRun) => post(`/quizzes/${qid}/regrade`, { dry_run: dryRun });

// Attempts.
export const listAttempts = (qid, signal) => get(`/quizzes/${qid}/attempts`, { signal });
export const startAttempt = (qid, accessCode) => post(`/quizzes/${qid}/attempts`, accessCode ? { access_code: accessCode } : {});
export const getAttempt = (aid, signal) => get(`/attempts/${aid}`, { signal });
export const saveAnswer = (aid, slot, response) => put(`/attempts/${aid}/slots/${slot}/answer`, { response });
export const checkAnswer = (aid, slot, response) => post(`/attempts/${aid}/slots/${slot}/check`, { response });
export const flagSlot = (aid, slot, flagged) => put(`/attempts/${aid}/slots/${slot}/flag`, { flagged });
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
