// Text from the server or a person, safe inside HTML (every mark-up character escaped).
export const esc = (t) => String(t ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));

// An element built with the DOM API: h("button", { id: "wb-undo", className: "x" }, "Undo"). Attributes are
// properties of the element, except "data-*" and "aria-*" (attributes); children are nodes or text.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (/^(data|aria)-/.test(name)) el.setAttribute(name, value); else el[name] = value;
  }
  el.append(...children);
  return el;
}
