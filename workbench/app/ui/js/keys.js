// Keys and events. Keys are registered (render.js registerKey), so the key list in the help dialog is the list the
// handler runs; features that plug in later add theirs the same way.
import { countsLine, filtersActive, keys, registerKey } from "./render.js";
import { resolveConflict } from "./conflict.js";

const ctrl = (e) => e.ctrlKey || e.metaKey;
const key = (keys, help, when, match, run) => registerKey({ keys, help, when, match, run });

key("Ctrl+Enter", "save as reviewed (or confirm unchanged text) and open the next segment", "editor",
    (e) => e.key === "Enter" && ctrl(e), (g, e) => g.saveKey(true, true, e));
key("Ctrl+S", "save without confirming (state: edited)", "editor",
    (e) => e.key.toLowerCase() === "s" && ctrl(e) && !e.altKey, (g, e) => g.saveKey(false, false, e));
key("Alt+↓ / Alt+↑", "next / previous segment (unsaved text is kept as a draft)", "editor",
    (e) => e.altKey && (e.code === "ArrowDown" || e.code === "ArrowUp"), (g, e) => g.move(e.code === "ArrowDown" ? 1 : -1));
key("Alt+N", "next segment needing review", "page", (e) => e.altKey && e.code === "KeyN", (g) => g.nextNeedingReview());
key("Alt+S", "copy the Arabic source into the editor (Ctrl+Z undoes it)", "editor",
    (e) => e.altKey && !ctrl(e) && e.code === "KeyS", (g) => g.copySource());
key("Alt+1 … Alt+3", "use translation-memory match 1–3 (Ctrl+Z undoes it)", "editor",
    (e) => e.altKey && !e.shiftKey && /^Digit[1-3]$/.test(e.code), (g, e) => g.useMatch(+e.code.slice(5) - 1));
key("Alt+Shift+1 … 3", "insert glossary term 1–3 at the cursor (Ctrl+Z undoes it)", "editor",
    (e) => e.altKey && e.shiftKey && /^Digit[1-3]$/.test(e.code), (g, e) => g.useTerm(+e.code.slice(5) - 1));
key("Alt+L", "switch the language of the open segment", "editor", (e) => e.altKey && e.code === "KeyL", (g) => g.switchLanguage());
key("Alt+A", "approve this language of the article", "page", (e) => e.altKey && e.code === "KeyA", (g) => g.approve(g.session ? g.session.lang : g.lang));
key("Esc", "close the editor (unsaved text is kept as a draft)", "editor", (e) => e.key === "Escape", (g) => {
  const s = g.closeEditor();
  const td = s && g.cellEl(s.unit, s.lang);
  if (td) td.focus({ preventScroll: true });
});
key("Ctrl+Z / Ctrl+Shift+Z", "undo / redo in this editor only (never in another field of the page)", "editor",
    (e) => ctrl(e) && !e.altKey && (e.code === "KeyZ" || e.code === "KeyY"), (g, e) => g.undo(e.shiftKey || e.code === "KeyY"));
key("Esc (in a box of the panel)", "back to the editor", null, () => false, () => {});
key("Enter / Space", "on a focused cell: open it", null, () => false, () => {});
key("?", "this help", null, () => false, () => {});

export function onKey(g, e) {
  if (!g.data) return;
  const t = e.target, inGrid = g.el.contains(t), help = g.host.querySelector("#wb-help");
  if (help && !help.hidden) {
    if (e.key === "Escape") { e.preventDefault(); g.toggleHelp(false); }
    else if (e.key === "Tab") { e.preventDefault(); help.querySelector("#wb-help-close").focus(); }
    return;
  }
  const menu = e.key === "Escape" && t.closest && t.closest("details.wb-menu[open]");
  if (menu) { e.preventDefault(); menu.open = false; return menu.querySelector("summary").focus(); }
  const typing = t.matches && t.matches("input, textarea, select, [contenteditable]");
  if (e.key === "?" && !typing && !ctrl(e) && !e.altKey) { e.preventDefault(); return g.toggleHelp(true); }
  const inEditor = !!g.box && t === g.box;
  if (inGrid && !inEditor && (e.key === "Enter" || e.key === " ") && t.matches("td.wb-cell:not(.wb-open):not(.wb-has-conflict)")) {
    e.preventDefault();
    return g.openUnit(t.dataset.unit, t.dataset.lang);
  }
  for (const k of keys) {
    if (!k.when || (k.when === "editor" && !inEditor) || !k.match(e)) continue;
    e.preventDefault(); e.stopPropagation();
    return k.run(g, e);
  }
}

function onClick(g, e) {
  const t = e.target;
  if (!t.closest) return;
  for (const m of g.host.querySelectorAll("details.wb-menu[open]")) if (!m.contains(t)) m.open = false;  // one menu at a time
  const button = t.closest("button"), cell = t.closest("td.wb-cell");
  if (!button) {
    if (cell && !cell.classList.contains("wb-open") && !cell.classList.contains("wb-has-conflict")) g.openUnit(cell.dataset.unit, cell.dataset.lang, { scroll: false });
    return;
  }
  const id = button.id, c = button.classList;
  const menu = button.closest("details.wb-menu");
  if (menu && !button.matches("summary")) menu.open = false;  // a menu's action closes the menu
  if (c.contains("wb-merge") || c.contains("wb-keep-mine") || c.contains("wb-take-theirs")) return resolveConflict(g, cell.dataset.unit, cell.dataset.lang, button.dataset.choice);
  const actions = {
    "wb-save": () => g.saveKey(true, true), "wb-save-edit": () => g.saveKey(false, false), "wb-retranslate": () => g.retranslate(),
    "wb-discard": () => g.discardDraft(), "wb-untrash": () => g.untrash(), "wb-copy-source": () => g.copySource(),
    "wb-next-review": () => g.nextNeedingReview(), "wb-help-button": () => g.toggleHelp(true), "wb-help-close": () => g.toggleHelp(false),
    "wb-compare": () => g.compare(), "wb-compare-draft": () => g.compareDraft(),
  };
  if (actions[id]) return actions[id]();
  if (c.contains("wb-approve")) return g.approve(button.dataset.lang);
  if (c.contains("wb-use")) return g.useMatch(+button.dataset.i);
  if (c.contains("wb-term")) return g.insert(button.dataset.form);
  if (c.contains("wb-restore")) return g.restore(+button.dataset.rev);
}

// The editor's own undo history (the browser's is the page's: Ctrl+Z in a fresh editor brought back a word
// typed in the segment search). A step is a run of one kind of typing; an insert is always a step of its own.
// The grid's methods (editor.js puts them on Grid.prototype).
export const history = {};
history.remember = function (kind, force = false) {
  const s = this.session, box = this.box;
  if (!s || !box) return;
  const h = s.history || (s.history = { undo: [], redo: [], kind: "", at: 0 }), now = Date.now();
  const top = h.undo[h.undo.length - 1];
  if ((force || kind !== h.kind || now - h.at > 1000 || !top) && !(top && top.value === box.value)) {
    h.undo.push({ value: box.value, start: box.selectionStart, end: box.selectionEnd });
    if (h.undo.length > 200) h.undo.shift();
  }
  h.kind = force ? "" : kind; h.at = now; h.redo = [];
};
history.undo = function (redo = false) {
  const s = this.session, box = this.box, h = s && s.history;
  const from = h && (redo ? h.redo : h.undo), to = h && (redo ? h.undo : h.redo);
  if (!box || !from || !from.length) return this.rowSay(redo ? "Nothing to redo in this editor." : "Nothing to undo in this editor.", "ok");
  const step = from.pop();
  to.push({ value: box.value, start: box.selectionStart, end: box.selectionEnd });
  box.value = step.value; box.setSelectionRange(step.start, step.end);
  h.kind = ""; h.at = 0;
  this.core.input(box.value, s);
  this.autosize();
  const n = this.host.querySelector("#wb-counts-open");
  if (n) n.textContent = countsLine(box.value);
};

function onBeforeInput(g, e) {
  if (!g.box || e.target !== g.box || /^history/.test(e.inputType)) return;
  g.remember(/^delete/.test(e.inputType) ? "delete" : e.inputType === "insertText" ? "type" : e.inputType, e.inputType !== "insertText" && !/^delete/.test(e.inputType));
}

function onInput(g, e) {
  const t = e.target;
  if (g.box && t === g.box) {
    g.core.input(t.value, t.wbSession);
    g.autosize();
    const n = g.host.querySelector("#wb-counts-open");
    if (n) n.textContent = countsLine(t.value);
    return;
  }
  if (t.id === "wb-search") { g.filter.q = t.value; g.applyFilter(); }
}

function onChange(g, e) {
  const t = e.target, name = { "wb-state": "state", "wb-flag": "flag", "wb-order": "order" }[t.id];
  if (t.id === "wb-lang") { g.lang = t.value; g.applyFilter(); return; }
  if (!name) return;
  g.filter[name] = t.value;
  if (name === "order") g.rebuildRows(); else g.applyFilter();
  const sum = g.host.querySelector("#wb-filters summary"), on = filtersActive(g);
  if (sum) sum.textContent = `Filters${on ? ` (${on})` : ""}`;
}

// Leaving the editor without a key (a click on the search, a filter, another article): the store gets the
// draft now. (This browser has had every keystroke already.)
function onFocusOut(g, e) {
  if (g.box && e.target === g.box && g.session && g.session.dirty) g.core.storeDraft(g.session);
}

export function bindEvents(g) {
  document.addEventListener("keydown", (e) => onKey(g, e), true);
  g.el.addEventListener("click", (e) => onClick(g, e));
  g.el.addEventListener("beforeinput", (e) => onBeforeInput(g, e));
  g.el.addEventListener("input", (e) => onInput(g, e));
  g.el.addEventListener("change", (e) => onChange(g, e));
  g.el.addEventListener("focusout", (e) => onFocusOut(g, e));
  window.addEventListener("resize", () => g.toolbarHeight());
  // Closing the tab (or leaving the page): unsaved text goes to the store at once (a keepalive request outlives
  // the page), and the browser asks first where it allows (saves on their way, or text not saved as a revision).
  window.addEventListener("beforeunload", (e) => {
    const unsaved = g.draftOnLeave();
    if (unsaved || g.core.queue.unsent().length) { e.preventDefault(); e.returnValue = ""; }
  });
  window.addEventListener("pagehide", () => { g.draftOnLeave(); if (g.leavePresence) g.leavePresence(); });
  window.addEventListener("pageshow", (e) => { if (e.persisted && g.heartbeat) g.heartbeat(); });  // back from the cache
}
