// A conflict and its three ways out (workbench/app/ui/js/conflict.js, commands.js's save key), without a browser:
// a save met by someone else's newer text keeps the reviewer's text; "Keep mine" saves it on their revision,
// "Take theirs" sets it aside (and it can be put back), "Edit a merge" opens both texts based on their revision.
import test from "node:test";
import assert from "node:assert/strict";
import * as S from "../../workbench/app/ui/js/state.js";
import { commands } from "../../workbench/app/ui/js/commands.js";
import { resolveConflict } from "../../workbench/app/ui/js/conflict.js";
import { FakeTimers, FakeStorage, FakeServer } from "./helpers.js";

const A = "art";

// The grid as the commands and the conflict view use it, over the real state machine and a fake server.
function setup() {
  const timers = new FakeTimers(), server = new FakeServer(), said = [], opened = [], cells = [];
  const core = new S.EditorCore({ transport: server.transport, storage: new FakeStorage(), timers, clock: timers, author: () => "mona" });
  for (const u of ["s1", "s2"]) server.seed(A, u, "en", `machine ${u}`);
  const g = Object.assign(Object.create(commands), {
    core, article: A, said, opened, data: { drafts: [] }, box: null, session: null,
    rowSay: (text, kind) => said.push([kind, text]), say: (text, kind) => said.push([kind, text]),
    dropStoreDraft() {}, refreshCell: (u, l) => cells.push(`${u}/${l}`), refreshUnit: async () => {}, patchTarget() {},
    cellEl: () => ({ focus() {} }), neighbour: (step, unit) => ({ s1: "s2" }[unit] || null),
    openUnit(unit, lang, opts = {}) {
      const cur = server.current(A, unit, lang);
      const s = core.open({ article: A, unit, lang, number: +unit.slice(1), text: cur.text, base: cur.id, flags: [], blocking: [] });
      if (opts.merge) Object.assign(s, { text: opts.merge.text, base: opts.merge.base, saved: opts.merge.saved, restored: true });
      g.session = s; g.box = { value: s.text }; opened.push(unit);
      return s;
    },
  });
  return { timers, server, core, g };
}

test("Ctrl+Enter too soon after an editor opened is refused and said; after reading, it saves and opens the next", async () => {
  const { timers, server, g } = setup();
  g.openUnit("s1", "en");
  g.saveKey(true, true, { repeat: false });
  assert.match(g.said.at(-1)[1], /^Not saved: this segment opened 0 ms ago/);
  await timers.advance(1000);
  g.box.value = "Reviewed s1.";
  g.saveKey(true, true, { repeat: false });
  assert.deepEqual(g.opened, ["s1", "s2"]);
  await timers.advance(10);
  assert.equal(server.current(A, "s1", "en").text, "Reviewed s1.");
  assert.equal(server.current(A, "s2", "en").text, "machine s2");
});

async function conflicted() {
  const t = setup();
  t.g.openUnit("s1", "en");
  await t.timers.advance(1000);
  t.server.seed(A, "s1", "en", "Their text.", "sam");  // a colleague saved meanwhile
  t.g.box.value = "My text.";
  t.g.saveKey(false, false, { repeat: false });
  await t.timers.advance(10);
  assert.equal(t.core.conflicts.get(S.keyOf(A, "s1", "en")).theirs, "Their text.");
  return t;
}

test("Keep mine saves the reviewer's text on top of theirs, knowingly (based on their revision)", async () => {
  const { timers, server, core, g } = await conflicted();
  resolveConflict(g, "s1", "en", "mine");
  await timers.advance(10);
  assert.deepEqual([server.current(A, "s1", "en").text, server.current(A, "s1", "en").author], ["My text.", "mona"]);
  assert.equal(core.conflicts.size, 0);
});

test("Take theirs leaves their text and sets the reviewer's aside, from where it can be put back", async () => {
  const { timers, server, core, g } = await conflicted();
  resolveConflict(g, "s1", "en", "theirs");
  await timers.advance(10);
  assert.equal(server.current(A, "s1", "en").text, "Their text.");
  assert.equal(core.drafts.trashed(A, "s1", "en").text, "My text.");
  assert.equal(core.drafts.get(A, "s1", "en"), null);
});

test("Edit a merge opens both texts, and its save is based on their revision (no second conflict)", async () => {
  const { timers, server, g } = await conflicted();
  const theirs = server.current(A, "s1", "en").id;
  resolveConflict(g, "s1", "en", "merge");
  assert.equal(g.session.text, "My text.\n\nTheir text.");
  assert.equal(g.session.base, theirs);
  await timers.advance(1000);
  g.box.value = "Merged text.";
  g.saveKey(false, false, { repeat: false });
  await timers.advance(10);
  assert.equal(server.current(A, "s1", "en").text, "Merged text.");
});
