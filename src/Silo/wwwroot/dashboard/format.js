// How times, durations and API enums read on screen.

/** States arrive as numbers or as names in any casing ("Finished", "finished", "waitingForCapacity"). */
export function enumName(value, names) {
  if (typeof value === "number") return names[value] ?? String(value);
  const text = value ?? "";
  return names.find((n) => n.toLowerCase() === String(text).toLowerCase()) ?? text;
}

export function formatTime(iso) {
  if (!iso) return "—";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "—";
  const sameDay = date.toDateString() === new Date().toDateString();
  return sameDay
    ? date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" })
    : date.toLocaleString([], { dateStyle: "short", timeStyle: "medium" });
}

const pad = (n) => String(n).padStart(2, "0");

export function formatDuration(ms) {
  if (!Number.isFinite(ms) || ms < 0) return "—";
  const seconds = Math.floor(ms / 1000);
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = seconds % 60;
  return hours > 0 ? `${hours} h ${pad(minutes)} min` : minutes > 0 ? `${minutes} min ${pad(rest)} s` : `${rest} s`;
}

/** How long a room ran, or has been running. */
export function ranFor(startedAt, finishedAt) {
  if (!startedAt) return "—";
  const end = finishedAt ? new Date(finishedAt) : new Date();
  return formatDuration(end - new Date(startedAt));
}

/** A position in the meeting's audio: 1:02:03 or 02:03. */
export function mediaTime(ms) {
  const total = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(total / 3600);
  return `${hours > 0 ? hours + ":" : ""}${pad(Math.floor((total % 3600) / 60))}:${pad(total % 60)}`;
}
