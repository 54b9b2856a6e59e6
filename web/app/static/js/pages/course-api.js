// The course API calls the course pages make, in one place (docs/api.md,
// sections "Courses" to "Progress").
import { api, get, getAll, post, put, patch, del, query, BASE } from "../api.js";

const c = (id, rest = "") => `/courses/${id}${rest}`;

/** noTime clears an optional time in a PATCH body (the zero time: none). */
const noTime = "0001-01-01T00:00:00Z";

// Courses.
export const listCourses = (params, signal) => get(`/courses${query(params)}`, { signal });
export const myCourses = (signal) => getAll("/me/courses", { signal });
export const createCourse = (body) => post("/courses", body);
export const getCourse = (id, signal) => get(c(id), { signal });
export const updateCourse = (id, body) => patch(c(id), body);
export const setVisibility = (id, visibility) => patch(c(id), { visibility });
export const deleteCourse = (id) => del(c(id));
/** configureJoin sets all the join settings: they are fields of the course's PATCH. */
export const configureJoin = (id, { enabled, needs_approval, expires_at, regenerate }) => patch(c(id), {
  join_enabled: !!enabled, join_needs_approval: !!needs_approval, join_expires_at: expires_at || noTime,
  ...(regenerate ? { regenerate_join_code: true } : {}),
});
export const joinCourse = (code) => post("/join", { code });
export const leaveCourse = (id) => post(c(id, "/leave"));

// Catalogue (docs/api.md, section "Catalogue").
export const listCatalogue = (params, signal) => get(`/catalogue${query(params)}`, { signal });
export const setCatalogue = (id, body) => patch(c(id), body);
export const enrolSelf = (id) => post(c(id, "/enrol"));
/** joinPreview is the card of the course a join code opens (404 for a wrong code). */
export const joinPreview = (code, signal) => get(`/join/${encodeURIComponent(code)}`, { signal });

// People.
export const listMembers = (id, params, signal) => get(c(id, `/members${query(params)}`), { signal });
export const enrol = (id, login, role) => post(c(id, "/members"), { login, role });
export const setMemberRole = (id, userID, role) => patch(c(id, `/members/${userID}`), { role });
export const approveMember = (id, userID) => post(c(id, `/members/${userID}/approve`));
export const declineMember = (id, userID) => post(c(id, `/members/${userID}/decline`));
export const removeMember = (id, userID) => del(c(id, `/members/${userID}`));
/** importRoster sends a CSV file; apply false asks for a preview only. */
export const importRoster = (id, file, apply) => api("POST", c(id, `/roster${apply ? "?apply=1" : ""}`),
  { body: file, contentType: "text/csv" });

// Groups.
export const listGroups = (id, signal) => getAll(c(id, "/groups"), { signal });
export const createGroup = (id, body) => post(c(id, "/groups"), body);
export const updateGroup = (gid, body) => patch(`/groups/${gid}`, body);
export const deleteGroup = (gid) => del(`/groups/${gid}`);
export const assignGroup = (id, userID, groupID) => patch(c(id, `/members/${userID}`), { group_id: groupID });
export const joinGroup = (id, groupID) => patch(c(id, "/my-group"), { group_id: groupID });

// Content.
export const getOutline = (id, signal) => get(c(id, "/outline"), { signal });
export const createModule = (id, title) => post(c(id, "/modules"), { title });
export const renameModule = (mid, title) => patch(`/modules/${mid}`, { title });
export const deleteModule = (mid) => del(`/modules/${mid}`);
export const createLesson = (mid, body) => post(`/modules/${mid}/lessons`, body);
export const getLesson = (lid, signal) => get(`/lessons/${lid}`, { signal });
/** updateLesson saves the whole lesson form: a release date left out is cleared. */
export const updateLesson = (lid, body) => patch(`/lessons/${lid}`, { available_from: noTime, ...body });
export const deleteLesson = (lid) => del(`/lessons/${lid}`);
/** reorder sends the whole layout [{module_id, lesson_ids}]; resolves to the new Outline. */
export const reorder = (id, layout) => put(c(id, "/layout"), { modules: layout });
export const searchCourse = (id, q, signal) => get(c(id, `/search${query({ q, limit: 20 })}`), { signal });
export const previewMarkdown = (markdown, signal) => post("/markdown/preview", { markdown }, { signal });

/** uploadFile stores a file for the course; resolves to Upload (with url). */
export const uploadFile = (id, file) => api("POST", c(id, `/uploads${query({ name: file.name })}`),
  { body: file, contentType: file.type || "application/octet-stream" });

/**
 * The cover image is an upload of the course and cover_path holds its URL
 * (/api/v1/uploads/{id}). uploadCover stores the file and saves the path;
 * resolves to the Course.
 */
export async function uploadCover(id, file) {
  const up = await uploadFile(id, file);
  return updateCourse(id, { cover_path: up.url });
}
export const removeCover = (id) => updateCourse(id, { cover_path: "" });
/** coverURL is the cover's image URL, or "" (only upload URLs are shown). */
export const coverURL = (course) =>
  (course && /^\/api\/v1\/uploads\/\d+$/.test(course.cover_path || "") ? course.cover_path : "");

// Progress.
/** heartbeat reports seconds on the page and, when > 0, the furthest % of the lesson's video watched. */
export const heartbeat = (lid, seconds, videoPercent = 0) => post(`/lessons/${lid}/heartbeat`,
  videoPercent > 0 ? { seconds, video_percent: videoPercent } : { seconds });
export const completeLesson = (lid, done) => post(`/lessons/${lid}/complete`, { done });
export const myProgress = (id, signal) => get(c(id, "/progress"), { signal });
export const progressReport = (id, signal) => get(c(id, "/progress/report"), { signal });
export const progressCSVURL = (id) => `${BASE}${c(id, "/progress/report.csv")}`;

/** progressTopic is the hub topic of a course's live progress. */
export const progressTopic = (id) => `course:${id}:progress`;
export const attendanceReport = (id, signal) => get(c(id, "/attendance"), { signal });
export const attendanceCSVURL = (id) => `${BASE}${c(id, "/attendance.csv")}`;
