// Room, speaker and endpoint states as badges.
import { badge } from "./dom.js";
import { enumName } from "./format.js";

export const ROOM_STATES = ["Active", "Finished"];
export const SPEAKER_STATES = ["Idle", "Starting", "Streaming", "Muted", "WaitingForCapacity", "Stopped", "Error"];

export const isFinished = (room) => enumName(room.state, ROOM_STATES) === "Finished";

export function roomStateBadge(state) {
  const name = enumName(state, ROOM_STATES);
  return badge(name, name === "Active" ? "ok" : "idle");
}

export function speakerStateBadge(state) {
  const name = enumName(state, SPEAKER_STATES);
  const tone = { Streaming: "ok", Starting: "warn", WaitingForCapacity: "warn", Muted: "idle", Idle: "idle", Stopped: "idle", Error: "bad" }[name] ?? "idle";
  return badge(name === "WaitingForCapacity" ? "Waiting for capacity" : name, tone);
}

export function healthBadge(endpoint) {
  const health = typeof endpoint.health === "string" ? endpoint.health.toLowerCase() : endpoint.healthy ? "healthy" : "unhealthy";
  if (health === "healthy") return badge("Healthy", "ok");
  if (health === "unknown") return badge("Not probed yet", "idle");
  return badge("Unhealthy", "bad");
}
