// The editor's state machine and save queue, without a browser: double presses, typing during a save, a
// save that fails or gets no answer, a stale draft, switching units mid-save.
import test from "node:test";
import assert from "node:assert/strict";
import * as S from "../../workbench/app/ui/js/state.js";
import { FakeTimers, FakeStorage, FakeServer } from "./helpers.js";

const A = "art";

function setup() {
  const timers = new FakeTimers(), storage = new FakeStorage(), server = new FakeServer(), events = [];
  const core = new S.EditorCore({ transport: server.transport, storage, timers, clock: timers, author: () => "mona",
                                  onEvent: (e) => events.push(e) });
  for (const u of ["s1", "s2", "s3"]) server.seed(A, u, "en", `machine ${u}`);
  const snap = (unit, extra = {}) => {
    const cur = server.current(A, unit, "en");
    return { article: A, unit, lang: "en", number: +unit.slice(1), text: cur.text, base: cur.id, state: "machine", flags: [], blocking: [], ...extra };
  };
  return { timers, storage, server, core, events, snap };
}

test("a double Ctrl+Enter at 20 ms or 150 ms saves the first unit only; the next stays untouched", async () => {
  for (const gap of [20, 150]) {
    const { timers, server, core, snap } = setup();
    core.open(snap("s1"));
    await timers.advance(1000);
    core.input("edited s1");
    assert.equal(core.commit({ reviewed: true }).action, "queued");
    core.open(snap("s2"));  // the next editor opens at once
    await timers.advance(gap);
    const second = core.commit({ reviewed: true });
    assert.equal(second.action, "ignored");
    await timers.advance(1000);
    assert.equal(server.current(A, "s1", "en").text, "edited s1");
    assert.equal(server.current(A, "s2", "en").text, "machine s2");
    assert.equal(server.current(A, "s2", "en").reviewed, false);
    assert.equal(server.calls.filter((c) => c.args.unit === "s2").length, 0, `gap ${gap} ms: nothing sent for s2`);
    assert.ok(S.PRESS_GUARD_MS >= 300);
  }
});

test("a held-down key (repeat) never saves", async () => {
  const { timers, core, snap, server } = setup();
  core.open(snap("s1"));
  await timers.advance(5000);
  assert.equal(core.commit({ reviewed: true, repeat: true }).action, "ignored");
  assert.equal(server.calls.length, 0);
});

test("typing right after Ctrl+Enter goes to the next unit; the save in flight keeps its own text", async () => {
  const { timers, server, core, snap, storage } = setup();
  server.hold = true;  // the save has not answered yet
  core.open(snap("s1"));
  await timers.advance(500);
  core.input("first text");
  const { job } = core.commit({ reviewed: true });
  const next = core.open(snap("s2"));
  for (const text of ["t", "ty", "typ", "typed"]) core.input(text);  // while s1's save is in flight
  assert.equal(job.text, "first text");
  assert.equal(next.text, "typed");
  assert.equal(JSON.parse(storage.getItem("workbench.draft.art.s2.en")).text, "typed");  // at once, synchronously
  server.hold = false;
  await server.release();
  await timers.advance(2000);
  assert.equal(server.current(A, "s1", "en").text, "first text");
  assert.equal(server.current(A, "s2", "en").text, "machine s2");
  assert.equal(server.drafts.get("art/s2/en").text, "typed");  // the store's copy followed
  assert.equal(core.notes.get(S.keyOf(A, "s1", "en")).text, `Saved as revision ${server.current(A, "s1", "en").id} (reviewed).`);
  assert.equal(core.notes.get(S.keyOf(A, "s2", "en")), undefined);  // nothing reported on the wrong row
});

test("switching units mid-save: the answer is reported on the saved unit's row, the open session is untouched", async () => {
  const { timers, server, core, snap } = setup();
  server.hold = true;
  core.open(snap("s1"));
  await timers.advance(400);
  core.input("one");
  core.commit({ reviewed: true });
  core.open(snap("s2"));
  await timers.advance(400);
  core.open(snap("s3"));  // Alt+Down again before the answer
  core.input("three, unsaved");
  await server.release();
  await timers.advance(10);
  assert.equal(core.session.unit, "s3");
  assert.equal(core.session.text, "three, unsaved");
  assert.match(core.notes.get(S.keyOf(A, "s1", "en")).text, /^Saved as revision/);
  assert.equal(core.notes.has(S.keyOf(A, "s3", "en")), false);
});

test("coming back to a unit whose save is in flight continues from its text and bases the next save on it", async () => {
  const { timers, server, core, snap } = setup();
  server.hold = true;
  core.open(snap("s1"));
  await timers.advance(400);
  core.input("v1");
  core.commit({ reviewed: false });
  const again = core.open(snap("s1"));  // the view still has the machine text: the pending save wins
  assert.equal(again.text, "v1");
  await timers.advance(400);
  core.input("v2");
  core.commit({ reviewed: true });
  await server.release();
  await timers.advance(10);
  await server.release();
  await timers.advance(10);
  const cur = server.current(A, "s1", "en");
  assert.equal(cur.text, "v2");  // no conflict with our own first save
  assert.equal(cur.reviewed, true);
});

test("no answer: the row says so within 4 s, retries with backoff, says when it went through; the text stays a draft", async () => {
  const { timers, server, core, snap, storage } = setup();
  server.down = true;
  core.open(snap("s1"));
  await timers.advance(400);
  core.input("kept text");
  const { job } = core.commit({ reviewed: true });
  core.open(snap("s2"));
  await timers.advance(100);
  const note = core.notes.get(S.keyOf(A, "s1", "en"));
  assert.match(note.text, /^Not saved: the server does not answer; your text is kept, retrying/);
  assert.equal(note.kind, "error");
  assert.equal(JSON.parse(storage.getItem("workbench.draft.art.s1.en")).text, "kept text");
  await timers.advance(20000);
  assert.ok(job.attempts >= 3, `retried (${job.attempts} tries)`);
  server.down = false;
  await timers.advance(16000);
  assert.equal(job.status, "done");
  assert.match(core.notes.get(S.keyOf(A, "s1", "en")).text, /Saved as revision \d+ \(reviewed\)\. It went through after \d+ tries\./);
  assert.equal(storage.getItem("workbench.draft.art.s1.en"), null);  // dropped only once saved
  assert.equal(server.current(A, "s1", "en").text, "kept text");
});

test("a server that hangs: reported after the timeout; a late answer of the first try finishes the job once", async () => {
  const { timers, server, core, snap } = setup();
  server.hold = true;
  core.open(snap("s1"));
  await timers.advance(400);
  core.input("slow");
  const { job } = core.commit({ reviewed: true });
  await timers.advance(S.TIMEOUT_MS + 10);
  assert.match(core.notes.get(S.keyOf(A, "s1", "en")).text, /server does not answer/);
  await timers.advance(1500);  // the retry is sent too
  await server.release();      // both tries answer: the first saves, the second sees identical text
  await timers.advance(10);
  assert.equal(job.status, "done");
  const revs = [...server.revs.values()].filter((r) => r.text === "slow");
  assert.equal(revs.length, 1);
});

test("a refused save (not a conflict) keeps the text as a draft and says why on its row", async () => {
  const { timers, server, core, snap, storage } = setup();
  server.answer = () => ({ ok: false, error: "text: too long" });
  core.open(snap("s1"));
  await timers.advance(400);
  core.input("x".repeat(10));
  core.commit({ reviewed: true });
  await timers.advance(10);
  assert.equal(core.notes.get(S.keyOf(A, "s1", "en")).text, "Not saved: text: too long. Your text is kept as a draft.");
  assert.equal(JSON.parse(storage.getItem("workbench.draft.art.s1.en")).text, "x".repeat(10));
});

test("a stale draft (typed before a colleague's save) is saved against its own base: a conflict, never an overwrite", async () => {
  const { timers, server, core, snap, storage } = setup();
  core.open(snap("s1"));
  await timers.advance(400);
  core.input("Bob's draft");
  core.leave();  // Esc: the draft is kept, with the revision it was typed on
  await timers.advance(10);
  const typedOn = server.current(A, "s1", "en").id;
  assert.deepEqual(server.drafts.get("art/s1/en"), { text: "Bob's draft", base: typedOn });
  const alice = server.write(A, "s1", "en", "Alice's text", typedOn, "alice", true);  // a colleague saves
  const reopened = core.open(snap("s1"));  // Bob comes back: the view has Alice's revision
  assert.equal(reopened.text, "Bob's draft");
  assert.equal(reopened.base, typedOn);
  assert.equal(reopened.staleDraft, true);
  await timers.advance(400);
  core.commit({ reviewed: true });
  await timers.advance(10);
  assert.equal(server.current(A, "s1", "en").text, "Alice's text");
  const conflict = core.conflicts.get(S.keyOf(A, "s1", "en"));
  assert.equal(conflict.mine, "Bob's draft");
  assert.equal(conflict.theirs, "Alice's text");
  assert.equal(conflict.revision, alice.revision_id);
  assert.equal(JSON.parse(storage.getItem("workbench.draft.art.s1.en")).text, "Bob's draft");
  // keep mine is an explicit choice, based on their revision
  core.enqueue({ kind: "save", article: A, unit: "s1", lang: "en", text: conflict.mine, base: conflict.revision, reviewed: true, label: "mine" });
  await timers.advance(10);
  assert.equal(server.current(A, "s1", "en").text, "Bob's draft");
  assert.match(core.notes.get(S.keyOf(A, "s1", "en")).text, /on top of theirs/);
});

test("the store's draft is restored with its base when this browser has none", () => {
  const { core, snap } = setup();
  const s = core.open(snap("s2", { serverDraft: { text: "from the store", base_revision_id: 7 } }));
  assert.equal(s.text, "from the store");
  assert.equal(s.base, 7);
  assert.equal(s.restoredFrom, "store");
});

test("a blocking flag: the first Ctrl+Enter warns, the second confirms", async () => {
  const { timers, server, core, snap } = setup();
  core.open(snap("s1", { blocking: ["numbers"] }));
  await timers.advance(400);
  assert.equal(core.commit({ reviewed: true }).action, "warn");
  await timers.advance(400);
  assert.equal(core.commit({ reviewed: true }).action, "queued");
  await timers.advance(10);
  assert.equal(server.current(A, "s1", "en").reviewed, true);
});

test("Ctrl+Enter on unchanged reviewed text sends nothing", async () => {
  const { timers, server, core, snap } = setup();
  core.open(snap("s1", { state: "reviewed" }));
  await timers.advance(400);
  assert.equal(core.commit({ reviewed: true }).action, "unchanged");
  assert.equal(server.calls.length, 0);
});

test("unchanged machine text is confirmed (confirm_unit with the base), not re-saved", async () => {
  const { timers, server, core, snap } = setup();
  const base = server.current(A, "s1", "en").id;
  core.open(snap("s1"));
  await timers.advance(400);
  core.commit({ reviewed: true });
  await timers.advance(10);
  assert.deepEqual(server.calls.map((c) => c.name), ["confirm_unit"]);
  assert.equal(server.calls[0].args.base_revision_id, base);
});

test("drafts: waiting store copies of a unit are merged, and dropped by that unit's save", async () => {
  const { timers, server, core, snap } = setup();
  server.hold = true;
  core.open(snap("s1"));
  await timers.advance(400);
  core.input("a"); core.leave();           // draft job 1 (sent, held)
  core.open(snap("s2")); await timers.advance(400);
  core.input("b"); core.leave();           // draft for s2 waits behind it
  core.open(snap("s2")); await timers.advance(400);
  core.input("bc"); core.leave();          // replaces the waiting one
  core.open(snap("s2")); await timers.advance(400);
  core.commit({ reviewed: true });         // the save drops the waiting draft
  await server.release(); await timers.advance(10); await server.release(); await timers.advance(10);
  const names = server.calls.map((c) => `${c.name}:${c.args.unit}`);
  assert.deepEqual(names, ["save_draft:s1", "save_unit:s2"]);
  assert.equal(server.current(A, "s2", "en").text, "bc");
});

test("typing back to the saved text forgets the draft", async () => {
  const { timers, server, core, snap, storage } = setup();
  core.open(snap("s1"));
  await timers.advance(400);
  core.input("x");
  await timers.advance(1000);
  assert.equal(server.drafts.get("art/s1/en").text, "x");
  core.input("machine s1");
  assert.equal(storage.getItem("workbench.draft.art.s1.en"), null);
  await timers.advance(1000);
  assert.equal(server.drafts.has("art/s1/en"), false);
});

test("Drafts.list finds the article's local drafts; trash keeps set-aside text", () => {
  const d = new S.Drafts(new FakeStorage());
  d.put("a1", "s.1", "en", "x", 3, 1);
  d.put("a1", "summary", "ru", "y", null, 2);
  d.put("a2", "s9", "en", "z", 1, 3);
  assert.deepEqual(d.list("a1").map((x) => [x.unit, x.lang, x.text]).sort(), [["s.1", "en", "x"], ["summary", "ru", "y"]]);
  d.trash("a1", "s.1", "en", "gone", 3, "take theirs", 5);
  assert.equal(d.trashed("a1", "s.1", "en").text, "gone");
  d.forget("a1", "s.1", "en", "other");  // holds different text: kept
  assert.equal(d.get("a1", "s.1", "en").text, "x");
});

test("a store draft that gets no answer never holds up a save, and waiting saves say the server is down", async () => {
  const { timers, server, core, snap } = setup();
  core.open(snap("s1"));
  await timers.advance(400);
  core.input("typed");
  server.down = true;
  await timers.advance(1000);  // the draft's store copy is sent, and fails
  core.open(snap("s2"));        // a draft of s1 is retrying; now s2 ...
  await timers.advance(400);
  core.input("s2 text");
  core.commit({ reviewed: true });  // ... waits behind it, and says why
  assert.match(core.notes.get(S.keyOf(A, "s2", "en")).text, /server does not answer/);
  core.open(snap("s1"));
  await timers.advance(400);
  const { job } = core.commit({ reviewed: true });  // a save of s1 supersedes its unanswered draft
  server.down = false;
  await timers.advance(20000);
  assert.equal(job.status, "done");
  assert.equal(server.current(A, "s1", "en").text, "typed");
  assert.equal(server.current(A, "s2", "en").text, "s2 text");
  assert.equal(server.drafts.has("art/s1/en"), false);
});

test("the bounce guard: typing into the new editor makes a quick save deliberate; a restored draft is still guarded", async () => {
  const { timers, server, core, snap, storage } = setup();
  core.open(snap("s1"));
  await timers.advance(50);
  core.input("typed fast");
  assert.equal(core.commit({ reviewed: true }).action, "queued");  // typed, then saved at once: deliberate
  storage.setItem("workbench.draft.art.s2.en", JSON.stringify({ text: "old draft", base: server.current(A, "s2", "en").id }));
  const s2 = core.open(snap("s2"));
  assert.equal(s2.restored, true);
  await timers.advance(40);
  assert.equal(core.commit({ reviewed: true }).action, "ignored");  // a bounce never saves a draft unread
});
