// The course announcement API calls (docs/api.md, section "Announcements").
import { get, post, patch, del, query } from "../api.js";

export const listAnnouncements = (courseID, params, signal) =>
  get(`/courses/${courseID}/announcements${query(params)}`, { signal });
export const createAnnouncement = (courseID, body) => post(`/courses/${courseID}/announcements`, body);
export const updateAnnouncement = (id, body) => patch(`/announcements/${id}`, body);
export const deleteAnnouncement = (id) => del(`/announcements/${id}`);
/** announcementsTopic is the course's live topic: a push whenever one is posted, changed or deleted. */
export const announcementsTopic = (courseID) => `announcements:${courseID}`;
