// A table whose rows are updated in place, by key, so refreshes neither flicker nor move the reader's focus.
import { h } from "./dom.js";

/**
 * columns: [{ title, render(item) → text | node | array, header?: true (row header), numeric?: true, width?: "12%" }].
 * Returns { element, update(items, keyOf, emptyText?) }.
 */
export function keyedTable({ caption, columns, empty }) {
  const body = h("tbody");
  const table = h("table", {},
    h("caption", {}, caption),
    h("colgroup", {}, columns.map((c) => h("col", { style: c.width ? `width:${c.width}` : undefined }))),
    h("thead", {}, h("tr", {}, columns.map((c) => h("th", { scope: "col", class: c.numeric ? "num" : undefined }, c.title)))),
    body);
  const rows = new Map();

  const newRow = (key) => h("tr", { "data-key": key },
    columns.map((c) => h(c.header ? "th" : "td", { class: c.numeric ? "num" : undefined, scope: c.header ? "row" : undefined })));

  const fill = (row, item) => columns.forEach((column, index) => {
    const cell = row.children[index];
    const content = column.render(item);
    const nodes = (Array.isArray(content) ? content : [content]).map((c) => (c instanceof Node ? c : document.createTextNode(String(c ?? ""))));
    const same = cell.childNodes.length === nodes.length && nodes.every((n, i) => n.isEqualNode(cell.childNodes[i]));
    if (!same) cell.replaceChildren(...nodes);
  });

  const update = (items, keyOf, emptyText = empty) => {
    const seen = new Set();
    let previous = null;
    for (const item of items) {
      const key = keyOf(item);
      seen.add(key);
      let row = rows.get(key);
      if (!row) rows.set(key, (row = newRow(key)));
      fill(row, item);
      const expected = previous ? previous.nextSibling : body.firstChild;
      if (expected !== row) body.insertBefore(row, expected);
      previous = row;
    }
    for (const [key, row] of rows) {
      if (!seen.has(key)) { row.remove(); rows.delete(key); }
    }
    const placeholder = body.querySelector("tr.placeholder");
    if (items.length > 0) placeholder?.remove();
    else if (!placeholder) body.append(h("tr", { class: "placeholder" }, h("td", { class: "empty", colspan: columns.length }, emptyText)));
    else if (placeholder.textContent !== emptyText) placeholder.firstChild.textContent = emptyText;
  };
  return { element: h("div", { class: "panel" }, table), update };
}
