// The grid's plug-in contract (workbench/app/ui/js/editor.js) without a browser: plug-ins follow the grid through
// its events, each after the grid's own work (a load, a save's answer, an editor opened or closed), so no plug-in
// needs to replace a method of the grid, and the grid's methods are its own (commands and history mixed in once).
import test from "node:test";
import assert from "node:assert/strict";
import { Grid } from "../../workbench/app/ui/js/editor.js";
import { commands } from "../../workbench/app/ui/js/commands.js";
import { history } from "../../workbench/app/ui/js/keys.js";

function grid(log) {
  const g = Object.create(Grid.prototype);
  g.listeners = new Map();
  for (const type of ["loading", "loaded", "rendered", "row", "job", "opened", "closed"]) g.on(type, (d) => log.push([type, d]));
  return g;
}

test("a load is announced before it starts and after it ended (one that threw is not announced as loaded)", async () => {
  const log = [], g = grid(log);
  g.fetchArticle = async (article) => { log.push(["fetch", article]); throw new Error("no answer"); };
  await assert.rejects(g.load("a1"));
  g.fetchArticle = async (article) => { log.push(["fetch", article]); };
  await g.load("a2");
  assert.deepEqual(log, [["loading", { article: "a1" }], ["fetch", "a1"], ["loading", { article: "a2" }], ["fetch", "a2"], ["loaded", { article: "a2" }]]);
});

test("the queue's reports reach plug-ins after the grid handled them; an opened editor after it is on screen", () => {
  const log = [], g = grid(log);
  g.report = (e) => log.push(["report", e.phase]);
  g.openNow = (unit) => { log.push(["open", unit]); return { unit }; };
  g.onCore({ phase: "done", job: {} });
  assert.deepEqual(g.openUnit("s1", "en"), { unit: "s1" });
  assert.deepEqual(log.map((x) => x[0]), ["report", "job", "open", "opened"]);
});

test("listeners run in the order they subscribed; a grid without listeners emits to nobody", () => {
  const g = Object.create(Grid.prototype), seen = [];
  g.listeners = new Map();
  g.emit("rendered");
  g.on("rendered", () => seen.push(1));
  g.on("rendered", () => seen.push(2));
  g.emit("rendered");
  assert.deepEqual(seen, [1, 2]);
});

test("the commands and the editor's undo history are the grid's own methods", () => {
  for (const name of [...Object.keys(commands), ...Object.keys(history)]) assert.equal(Grid.prototype[name], { ...commands, ...history }[name], name);
  assert.ok(Grid.prototype.saveKey && Grid.prototype.undo && !Grid.prototype.propagateOffer);
});
