// The calendar's API calls (docs/api.md, "Calendar").
import { get, post, patch, del, query } from "../api.js";

export const listCalendar = (params, signal) => get(`/calendar${query(params)}`, { signal });
export const getEvent = (id, signal) => get(`/events/${id}`, { signal });
export const createEvent = (courseID, body) => post(`/courses/${courseID}/events`, body);
export const updateEvent = (id, body) => patch(`/events/${id}`, body);
export const deleteEvent = (id) => del(`/events/${id}`);
export const getFeed = (signal) => get("/me/calendar-feed", { signal });
export const resetFeed = () => post("/me/calendar-feed");
export const deleteFeed = () => del("/me/calendar-feed");
