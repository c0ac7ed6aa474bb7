// A modal question with a destructive action: answers true only when the reader chose `action`.
import { h } from "./dom.js";

export function confirmAction({ title, text, action }) {
  return new Promise((resolve) => {
    const titleId = `confirm-${Date.now()}`;
    const dialog = h("dialog", { class: "confirm", "aria-labelledby": titleId },
      h("form", { method: "dialog" },
        h("h2", { id: titleId }, title),
        h("p", {}, text),
        h("div", { class: "row actions" },
          h("button", { type: "submit", value: "cancel", class: "secondary", autofocus: true }, "Cancel"),
          h("button", { type: "submit", value: "confirm", class: "danger" }, action))));
    dialog.addEventListener("close", () => {
      dialog.remove();
      resolve(dialog.returnValue === "confirm");
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}
