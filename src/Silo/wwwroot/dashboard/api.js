// The Scribe API as the dashboard calls it: every request carries the key (the admin key or a named key of
// Api:Keys) as a bearer token. The key and what it may do (GET /api/me) live in sessionStorage: this tab only.

const KEY_STORAGE = "scribe.adminKey";
const CALLER_STORAGE = "scribe.caller";

/** A response that was not 2xx; `detail` is the problem's detail when the API answered problem JSON. */
export class HttpError extends Error {
  constructor(response, problem) {
    super(`${response.status} ${response.statusText}`);
    this.status = response.status;
    this.detail = typeof problem?.detail === "string" ? problem.detail : null;
  }
}

export const currentKey = () => sessionStorage.getItem(KEY_STORAGE);

/** The signed-in key's name and scopes, as GET /api/me answered. */
export const currentCaller = () => JSON.parse(sessionStorage.getItem(CALLER_STORAGE) ?? '{"name":"","scopes":[]}');

/** True when the signed-in key holds `scope` (transcription, transcripts:read, transcripts:delete, endpoints, cluster). */
export const can = (scope) => currentCaller().scopes.includes(scope);

export function rememberKey(key, caller) {
  sessionStorage.setItem(KEY_STORAGE, key);
  sessionStorage.setItem(CALLER_STORAGE, JSON.stringify({ name: caller.name, scopes: caller.scopes }));
}

export function forgetStoredKey() {
  sessionStorage.removeItem(KEY_STORAGE);
  sessionStorage.removeItem(CALLER_STORAGE);
}

/** fetch with the key; throws HttpError on anything but 2xx. */
export async function api(path, { method = "GET", key = currentKey(), accept = "application/json" } = {}) {
  const response = await fetch(path, { method, headers: { Authorization: `Bearer ${key}`, Accept: accept }, cache: "no-store" });
  if (!response.ok) {
    const isProblem = (response.headers.get("content-type") ?? "").includes("json");
    throw new HttpError(response, isProblem ? await response.json().catch(() => null) : null);
  }
  return response;
}

export const getJson = async (path) => (await api(path)).json();

/** A GET that answers null when the route or the thing is not there (404), so views can say so. */
export async function getJsonIfServed(path) {
  try {
    return await getJson(path);
  } catch (error) {
    if (error instanceof HttpError && error.status === 404) return null;
    throw error;
  }
}

/** Asks the server who `key` is: its name and scopes. Throws HttpError (401 for a wrong key). */
export const whoIs = async (key) => (await api("/api/me", { key })).json();

/** The URL of a room's live transcript stream; EventSource cannot send headers, so the key rides in the query. */
export const streamUrl = (path, since) => `${path}?since=${since}&access_token=${encodeURIComponent(currentKey())}`;
