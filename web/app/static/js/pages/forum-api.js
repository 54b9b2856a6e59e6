// The API calls of the discussion, room (chat) and notification pages, in
// one place (docs/api.md, sections "Discussion", "Rooms (chat)" and
// "Notifications"), plus the live topics they follow.
import { api, get, getAll, post, patch, del, query } from "../api.js";

// Discussion.
export const listForums = (courseID, signal) => getAll(`/courses/${courseID}/forums`, { signal });
export const createForum = (courseID, body) => post(`/courses/${courseID}/forums`, body);
export const listThreads = (forumID, params, signal) => get(`/forums/${forumID}/threads${query(params)}`, { signal });
export const createThread = (forumID, title, bodyMD) => post(`/forums/${forumID}/threads`, { title, body_md: bodyMD });
export const getThread = (threadID, signal) => get(`/threads/${threadID}`, { signal });
export const setThreadFlags = (threadID, flags) => patch(`/threads/${threadID}`, flags);
export const deleteThread = (threadID) => del(`/threads/${threadID}`);
export const markAnswer = (threadID, postID) => patch(`/threads/${threadID}`, { answer_post_id: postID });
export const reply = (threadID, parentID, bodyMD) =>
  post(`/threads/${threadID}/posts`, parentID ? { parent_id: parentID, body_md: bodyMD } : { body_md: bodyMD });
export const editPost = (postID, bodyMD) => patch(`/posts/${postID}`, { body_md: bodyMD });
export const deletePost = (postID) => del(`/posts/${postID}`);
export const reactToPost = (postID, emoji, remove) => (remove
  ? del(`/posts/${postID}/reactions/${encodeURIComponent(emoji)}`) : post(`/posts/${postID}/reactions`, { emoji }));
export const previewMarkdown = (markdown, signal) => post("/markdown/preview", { markdown }, { signal });

// Rooms.
export const listRooms = (courseID, signal) => getAll(`/courses/${courseID}/rooms`, { signal });
export const createRoom = (courseID, name, groupID) =>
  post(`/courses/${courseID}/rooms`, groupID ? { name, group_id: groupID } : { name });
export const getRoom = (roomID, signal) => get(`/rooms/${roomID}`, { signal });
export const history = (roomID, params, signal) => get(`/rooms/${roomID}/messages${query(params)}`, { signal });
export const sendMessage = (roomID, msg, key) => post(`/rooms/${roomID}/messages`, { ...msg, key });
export const editMessage = (messageID, body) => patch(`/messages/${messageID}`, { body });
export const deleteMessage = (messageID) => del(`/messages/${messageID}`);
export const reactToMessage = (messageID, emoji, remove) => (remove
  ? del(`/messages/${messageID}/reactions/${encodeURIComponent(emoji)}`) : post(`/messages/${messageID}/reactions`, { emoji }));
export const seenBy = (messageID, signal) => get(`/messages/${messageID}/seen`, { signal });
export const markRoomRead = (roomID, lastReadID) => patch(`/rooms/${roomID}/read`, { last_read_id: lastReadID });
/** muteInRoom mutes a member for seconds; 0 lifts the mute (a DELETE). */
export const muteInRoom = (roomID, userID, seconds) => (seconds === 0
  ? del(`/rooms/${roomID}/mutes/${userID}`) : post(`/rooms/${roomID}/mutes`, { user_id: userID, seconds }));

/** uploadFile stores a file for the course; resolves to the Upload. */
export const uploadFile = (courseID, file) => api("POST", `/courses/${courseID}/uploads${query({ name: file.name })}`,
  { body: file, contentType: file.type || "application/octet-stream" });

// People.
export const listMembers = (courseID, signal) => get(`/courses/${courseID}/members${query({ limit: 200 })}`, { signal });
export const listGroups = (courseID, signal) => getAll(`/courses/${courseID}/groups`, { signal });

// Notifications.
export const listNotifications = (params, signal) => get(`/me/notifications${query(params)}`, { signal });
export const markNotificationsRead = (upToID) => post("/me/notifications/read", upToID ? { up_to_id: upToID } : {});

// Live topics.
export const roomTopic = (id) => `room:${id}`;
export const typingTopic = (id) => `typing:${id}`;
export const threadTopic = (id) => `thread:${id}`;
export const forumTopic = (id) => `forum:${id}`;
export const userTopic = (id) => `user:${id}`;

/** Length limit of a chat message, in characters (lms.MaxMessageChars). */
export const maxMessageChars = 4000;

/** How long authors may edit a post after writing it (course.DefaultEditWindow). */
export const editWindowMs = 30 * 60 * 1000;

/** newKey is an idempotency key for one logical message (kept for its retries). */
export function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** chars counts characters as the server does (code points, not UTF-16 units). */
export const chars = (s) => [...(s || "")].length;
