// The assignment and gradebook API calls (docs/api.md, sections
// "Assignments" and "Gradebook"), and small helpers the pages share.
import { api, get, getAll, post, put, patch, del, query, BASE } from "../api.js";

const c = (id, rest = "") => `/courses/${id}${rest}`;
const a = (aid, rest = "") => `/assignments/${aid}${rest}`;

// Assignments.
export const listAssignments = (id, signal) => getAll(c(id, "/assignments"), { signal });
export const createAssignment = (id, body) => post(c(id, "/assignments"), body);
export const getAssignment = (aid, signal) => get(a(aid), { signal });
export const updateAssignment = (aid, body) => patch(a(aid), body);
export const deleteAssignment = (aid) => del(a(aid));
export const mySubmission = (aid, signal) => get(a(aid, "/mine"), { signal });
export const submitWork = (aid, body) => post(a(aid, "/submission"), body);
export const listSubmissions = (aid, params, signal) => get(a(aid, `/submissions${query(params)}`), { signal });
export const gradeSubmission = (sid, body) => patch(`/submissions/${sid}/grade`, body);
export const releaseGrades = (aid, ids = []) => post(a(aid, "/release"), { submission_ids: ids });
export const putExtension = (aid, userID, body) => put(a(aid, `/extensions/${userID}`), body);
export const deleteExtension = (aid, userID) => del(a(aid, `/extensions/${userID}`));
export const putGroupExtension = (aid, groupID, body) => put(a(aid, `/group-extensions/${groupID}`), body);
export const deleteGroupExtension = (aid, groupID) => del(a(aid, `/group-extensions/${groupID}`));
export const zipURL = (aid) => `${BASE}${a(aid, "/submissions.zip")}`;

// Gradebook.
// A gradebook page: its learners' rows are "items", its columns "grade_items".
export const getGradebook = (id, signal) => getAll(c(id, "/gradebook"), { signal });
export const myGrades = (id, signal) => getAll(c(id, "/my-grades"), { signal });
export const editGrade = (itemID, userID, body) => patch(`/grade-items/${itemID}/grades/${userID}`, body);
export const gradebookCSVURL = (id) => `${BASE}${c(id, "/gradebook.csv")}`;
/** importGrades sends a CSV file; dryRun asks for a preview only. */
export const importGrades = (id, file, { dryRun, validOnly, release }) => api("POST",
  c(id, `/gradebook/import${query({ dry_run: dryRun ? 1 : "", valid_only: validOnly ? 1 : "", release: release ? 1 : "" })}`),
  { body: file, contentType: "text/csv" });
export const gradebookTopic = (id) => `gradebook:${id}`;

export const uploadURL = (uid) => `${BASE}/uploads/${uid}`;

/**
 * uploadWithProgress stores a file for the course (POST /courses/{id}/uploads)
 * and reports progress (0..100) as it goes; resolves to the Upload.
 */
export function uploadWithProgress(courseID, file, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", `${BASE}${c(courseID, `/uploads${query({ name: file.name })}`)}`);
    xhr.setRequestHeader("Content-Type", file.type || "application/octet-stream");
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(Math.round((e.loaded * 100) / e.total)); };
    xhr.onload = () => {
      let body = {};
      try { body = JSON.parse(xhr.responseText); } catch { body = {}; }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body);
      else reject(Object.assign(new Error(body.detail || body.title || "Upload failed"), { status: xhr.status, problem: body }));
    };
    xhr.onerror = () => reject(new Error("The upload failed: check your connection."));
    xhr.send(file);
  });
}

/** points formats a number of points ("7.5"). */
export const points = (n) => (Math.round((n || 0) * 100) / 100).toString();

/** lateText says how late a duration in nanoseconds is ("2 h 5 min late"). */
export function lateText(ns) {
  const mins = Math.ceil((ns || 0) / 6e10);
  if (mins <= 0) return "";
  const d = Math.floor(mins / 1440), h = Math.floor((mins % 1440) / 60), m = mins % 60;
  return `${[d && `${d} d`, h && `${h} h`, !d && m && `${m} min`].filter(Boolean).join(" ")} late`;
}

/** gradeOf is a submission's grade after the late penalty. */
export const gradeOf = (s) => Math.max(0, (s.score || 0) - (s.penalty || 0));

// Gradebook setup: settings (mode, letter scale), categories, manual items.
export const patchGradebookSettings = (id, body) => patch(c(id, "/gradebook/settings"), body);
export const createGradeCategory = (id, body) => post(c(id, "/gradebook/categories"), body);
export const patchGradeCategory = (id, catID, body) => patch(c(id, `/gradebook/categories/${catID}`), body);
export const deleteGradeCategory = (id, catID) => del(c(id, `/gradebook/categories/${catID}`));
export const createGradeItem = (id, body) => post(c(id, "/gradebook/items"), body);
export const patchGradeItem = (itemID, body) => patch(`/grade-items/${itemID}`, body);
export const deleteGradeItem = (itemID) => del(`/grade-items/${itemID}`);

/** scaleText writes a letter scale as "A 90; B 80; F 0". */
export const scaleText = (scale) => (scale || []).map((l) => `${l.letter} ${l.min}`).join("; ");

/** parseScale reads "A 90; B 80; F 0" (or one per line) into a scale; a bad part throws. */
export function parseScale(text) {
  return text.split(/[;\n]/).map((s) => s.trim()).filter(Boolean).map((part) => {
    const m = part.match(/^(\S+)\s+(-?\d+(?:\.\d+)?)\s*%?$/);
    if (!m) throw new Error(`“${part}” is not a letter and a percentage, like “A 90”.`);
    return { letter: m[1], min: Number(m[2]) };
  });
}
