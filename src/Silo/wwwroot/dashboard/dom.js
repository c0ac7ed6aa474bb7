// Element building: the one place the dashboard creates DOM, so text is never parsed as HTML.

/** Builds an element: h("td", { class: "num" }, "3"). Children are text or nodes; `on…` attributes add listeners. */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else if (name === "style") element.style.cssText = value; // CSSOM: allowed by the page's CSP, unlike style attributes
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

/** A pill with a tone: ok, warn, bad or idle. */
export const badge = (text, tone) => h("span", { class: `badge ${tone}` }, text);

/** The yellow line a view shows when a route is not served or an action was refused. */
export function notice() {
  return h("p", { class: "notice", hidden: true });
}

/** Shows `text` in a notice (or hides it when `text` is empty). */
export function tell(element, text) {
  element.hidden = !text;
  element.textContent = text ?? "";
}
