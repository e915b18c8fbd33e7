// The transport (ui/js/transport.js): one server-function call per operation, arguments by name; no answer or a
// failed fetch is a TransportError the save queue retries; a slow read times out.
import test from "node:test";
import assert from "node:assert/strict";
import * as S from "../../workbench/app/ui/js/state.js";
import { makeTransport } from "../../workbench/app/ui/js/transport.js";
import { FakeTimers } from "./helpers.js";

function server(answer) {
  const calls = [];
  return { calls, operation: (name, args) => { calls.push([name, args]); return answer(name, args); } };
}

test("a call sends the operation's name and its arguments by name", async () => {
  const s = server(() => ({ ok: true }));
  const args = { article_id: "a1", unit: "s1", language: "en" };
  assert.deepEqual(await makeTransport(s).call("unit_details", args), { ok: true });
  assert.deepEqual(s.calls, [["unit_details", args]]);
});

test("positional arguments are refused before anything is sent", async () => {
  const s = server(() => ({ ok: true }));
  await assert.rejects(makeTransport(s).call("unit_details", ["a1", "s1", "en"]), /by name/);
  assert.equal(s.calls.length, 0);
});

test("no answer, a failed fetch or no server is a TransportError", async () => {
  for (const answer of [() => undefined, () => { throw new Error("fetch failed"); }]) {
    const error = await makeTransport(server(answer)).call("compare", { old_text: "a", new_text: "b" }).catch((e) => e);
    assert.ok(error instanceof S.TransportError && error.kind === "network", String(error));
  }
  const error = await makeTransport(null).call("compare", {}).catch((e) => e);
  assert.ok(error instanceof S.TransportError);
});

test("a read that gets no answer in time is a timeout", async () => {
  const timers = new FakeTimers();
  const pending = makeTransport(server(() => new Promise(() => {})), timers).ask("review_view", { article_id: "a1" }, 1000);
  await timers.advance(1001);
  const error = await pending.catch((e) => e);
  assert.ok(error instanceof S.TransportError && error.kind === "timeout", String(error));
});
