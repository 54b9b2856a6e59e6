// Picking one file in an <input type="file"> for an upload that has a size
// limit (CSV imports): the file, or why it can't be sent, before anything
// is sent.

/**
 * pickFile reads a file input's change event: {file, tooLarge}. file is
 * null when nothing was chosen or the file is larger than maxBytes;
 * tooLarge is then the message to show ("" otherwise).
 */
export function pickFile(e, maxBytes) {
  const f = (e.currentTarget.files && e.currentTarget.files[0]) || null;
  if (f && f.size > maxBytes) {
    const mb = Math.round(maxBytes / (1 << 20));
    return { file: null, tooLarge: `That file is larger than ${mb} MB. Split it into smaller files.` };
  }
  return { file: f, tooLarge: "" };
}
