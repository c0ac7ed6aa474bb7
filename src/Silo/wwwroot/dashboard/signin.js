// Signing in with a key, and forgetting it.
import { HttpError, api, can, forgetStoredKey, rememberKey, whoIs } from "./api.js";
import { KEY_REFUSED, leaveView, viewRoot } from "./page.js";

const signIn = document.getElementById("sign-in");
const keyForm = document.getElementById("key-form");
const keyInput = document.getElementById("key");
const keyError = document.getElementById("key-error");
const signOut = document.getElementById("sign-out");
const nav = document.getElementById("nav");
const caller = document.getElementById("caller");

/** Drops the key and shows the sign-in form, with `message` as its error. */
export function forgetKey(message = "") {
  forgetStoredKey();
  caller.hidden = true;
  leaveView();
  viewRoot.replaceChildren();
  signOut.hidden = true;
  nav.hidden = true;
  signIn.hidden = false;
  keyError.textContent = message;
  keyInput.value = "";
  keyInput.focus();
}

/** Wires the sign-in form; `onSignedIn` runs once a key was accepted. */
export function startSignIn(onSignedIn) {
  keyForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const key = keyInput.value.trim();
    keyError.textContent = "";
    if (!key) return;
    let who;
    try {
      // Any key may ask who it is: 200 means the key is right, and says what it may do.
      who = await whoIs(key);
    } catch (error) {
      keyError.textContent = error instanceof HttpError && error.status === 401
        ? "That key was refused by the server. Check Admin:ApiKey (or Api:Keys) and try again."
        : `Could not reach the server to check the key (${error.message}).`;
      keyInput.select();
      return;
    }
    rememberKey(key, who);
    // Lets this browser open /orleans (an HttpOnly cookie scoped to /orleans; see README, "Dashboard").
    if (can("cluster")) {
      try { await api("/dashboard/session", { method: "POST", key }); } catch { /* the Orleans link will say so */ }
    }
    keyInput.value = "";
    signIn.hidden = true;
    onSignedIn();
  });
  signOut.addEventListener("click", () => forgetKey());
  document.addEventListener(KEY_REFUSED, () => forgetKey("The server refused the key (401). Enter it again."));
}
