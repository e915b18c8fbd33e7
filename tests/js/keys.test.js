// The keys (workbench/app/ui/js/keys.js, with the plug-ins' keys): one registry is both what the key handler runs
// and what the help lists; editor keys act only in the open editor, page keys anywhere; a key pressed while the
// key list is open only closes it.
import test from "node:test";
import assert from "node:assert/strict";
import { onKey } from "../../workbench/app/ui/js/keys.js";
import { keys } from "../../workbench/app/ui/js/render.js";
import "../../workbench/app/ui/js/suggestions.js";
import "../../workbench/app/ui/js/cat_grid.js";

// An element that is only what the handler asks of it.
const element = (tag, fields = {}) => ({ tag, id: "", dataset: {}, closest: () => null, matches: (sel) => sel.split(",").some((s) => s.trim() === tag), ...fields });

function grid() {
  const calls = [], box = element("textarea");
  const record = (name) => (...args) => { calls.push([name, ...args.filter((a) => !(a && a.key))]); };
  const g = { data: {}, box, calls, el: { contains: () => true }, host: { querySelector: () => null }, session: { lang: "en" }, lang: "en",
              saveKey: record("saveKey"), move: record("move"), nextNeedingReview: record("nextNeedingReview"), approve: record("approve"),
              useMatch: record("useMatch"), useTerm: record("useTerm"), copySource: record("copySource"), undo: record("undo"),
              switchLanguage: record("switchLanguage"), propagateOffer: record("propagateOffer"), openReplace: record("openReplace"),
              toggleHelp: record("toggleHelp"), insert: record("insert"), rowSay: record("rowSay"), currentDetails: () => null,
              closeEditor: () => null, cellEl: () => null };
  return g;
}
function press(g, target, key, mods = {}) {
  const e = { key, code: mods.code || (key.length === 1 ? `Key${key.toUpperCase()}` : key), ctrlKey: false, metaKey: false, altKey: false,
              shiftKey: false, repeat: false, target, prevented: false, ...mods };
  e.preventDefault = () => { e.prevented = true; };
  e.stopPropagation = () => {};
  onKey(g, e);
  return e;
}

test("Ctrl+Enter in the editor saves as reviewed and moves on; Ctrl+S saves as edited and stays", () => {
  const g = grid();
  assert.ok(press(g, g.box, "Enter", { ctrlKey: true }).prevented);
  press(g, g.box, "s", { ctrlKey: true, code: "KeyS" });
  assert.deepEqual(g.calls, [["saveKey", true, true], ["saveKey", false, false]]);
});

test("editor keys do nothing outside the editor; page keys work anywhere", () => {
  const g = grid(), search = element("input", { id: "wb-search" });
  assert.equal(press(g, search, "Enter", { ctrlKey: true }).prevented, false);
  press(g, search, "n", { altKey: true, code: "KeyN" });
  press(g, search, "a", { altKey: true, code: "KeyA" });
  assert.deepEqual(g.calls, [["nextNeedingReview"], ["approve", "en"]]);
});

test("Alt+digits: memory 1–3, glossary with Shift, machine suggestions 7–9 (a plug-in's key)", () => {
  const g = grid();
  press(g, g.box, "2", { altKey: true, code: "Digit2" });
  press(g, g.box, "1", { altKey: true, shiftKey: true, code: "Digit1" });
  press(g, g.box, "8", { altKey: true, code: "Digit8" });
  assert.deepEqual(g.calls.slice(0, 2), [["useMatch", 1], ["useTerm", 0]]);
  assert.deepEqual(g.calls[2], ["rowSay", "No machine suggestion 2 for this segment.", "warn"]);
});

test("? opens the key list unless typing; with it open, Esc closes it and no other key acts", () => {
  const g = grid(), cell = element("td");
  press(g, cell, "?");
  press(g, g.box, "?");
  assert.deepEqual(g.calls, [["toggleHelp", true]]);
  const help = { hidden: false, querySelector: () => ({ focus() {} }) };
  g.host.querySelector = (sel) => (sel === "#wb-help" ? help : null);
  press(g, g.box, "Enter", { ctrlKey: true });
  press(g, g.box, "Escape");
  assert.deepEqual(g.calls, [["toggleHelp", true], ["toggleHelp", false]]);
});

test("the key list shows every key the handler runs, the editor's own first, then the plug-ins'", () => {
  const listed = keys.filter((k) => k.help).map((k) => k.keys);
  for (const k of ["Ctrl+Enter", "Ctrl+S", "Alt+N", "Esc", "Alt+7 … Alt+9", "Alt+P / Alt+Shift+P", "Alt+R"]) assert.ok(listed.includes(k), k);
  assert.ok(listed.indexOf("Ctrl+Enter") < listed.indexOf("Alt+7 … Alt+9") && listed.indexOf("Alt+7 … Alt+9") < listed.indexOf("Alt+R"));
});
