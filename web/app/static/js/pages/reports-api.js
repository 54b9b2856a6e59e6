// The reports API calls (docs/api.md, section "Reports").
import { get, getAll, post, put, query, BASE } from "../api.js";

const r = (id, rest = "") => `/courses/${id}/reports${rest}`;

export const engagementReport = (id, params, signal) => get(r(id, `/engagement${query(params)}`), { signal });
export const performanceReport = (id, signal) => get(r(id, "/performance"), { signal });
export const atRiskReport = (id, signal) => get(r(id, "/at-risk"), { signal });
export const learnerReport = (id, uid, signal) => get(r(id, `/learners/${uid}`), { signal });
export const sendMessage = (id, userIDs, text) => post(r(id, "/messages"), { user_ids: userIDs, text });
export const siteReport = (signal) => get("/admin/reports/site", { signal });
export const questionLessons = (qid, signal) => get(`/questions/${qid}/lessons`, { signal });
export const setQuestionLessons = (qid, ids) => put(`/questions/${qid}/lessons`, { lesson_ids: ids });
export const courseQuestionLessons = (id, signal) => getAll(`/courses/${id}/question-lessons`, { signal }).then((r) => r.items);

/** The CSV downloads: one per table. */
export const engagementCSV = (id, table, params) => `${BASE}${r(id, `/engagement.csv${query({ table, ...params })}`)}`;
export const performanceCSV = (id, table) => `${BASE}${r(id, `/performance.csv${query({ table })}`)}`;
export const atRiskCSV = (id) => `${BASE}${r(id, "/at-risk.csv")}`;
export const learnerCSV = (id, uid, table) => `${BASE}${r(id, `/learners/${uid}/report.csv${query({ table })}`)}`;
export const siteCSV = () => `${BASE}/admin/reports/site.csv`;

/** reportPath is the app path of a report page. */
export const reportPath = (id, rest = "") => `/courses/${id}/reports${rest}`;
