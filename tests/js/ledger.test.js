// The risk order and the ledger's marks (workbench/app/ui/js/ledger.js) without a browser: riskiest first, fixed
// while the article and language stay the same; the default order once the plug-in is loaded; each cell's reason
// and the fact flags in the flag list, escaped.
import test from "node:test";
import assert from "node:assert/strict";
import * as S from "../../workbench/app/ui/js/state.js";
import * as R from "../../workbench/app/ui/js/render.js";
import { actionable, inRanking, reasonText, riskRanking } from "../../workbench/app/ui/js/ledger.js";
import { FakeStorage, FakeTimers } from "./helpers.js";

const unit = (text) => ({ text, state: "machine", flags: [], qa: [], confidence: null, reviewed: false, revision_id: 1 });
const risk = (score, reasons = [], facts = []) => ({ score, reasons, facts, names: [] });
function view() {
  return {
    article: { status: { en: "machine" }, summaries: { en: null }, segments: [
      { id: "s1", kind: "body", source_text: "واحد", targets: { en: unit("one") } },
      { id: "s2", kind: "body", source_text: "اثنان", targets: {} },
      { id: "s3", kind: "body", source_text: "ثلاثة", targets: { en: unit("three") } },
      { id: "s4", kind: "body", source_text: "أربعة", targets: { en: unit("four") } },
    ] },
    counts: { en: { machine: 3, edited: 0, reviewed: 0, approved: 0, untranslated: 1, total: 4, done: 0 } },
    approval: { en: [] }, drafts: [], flag_help: {}, blocking: [], low_confidence: 0.5,
    risk: { en: { s1: risk(0.2, ["+0.20 model confidence 80%"]), s3: risk(0.9, ["+0.60 name: Tokaev <is> not Tokayev", "+0.30 numbers"],
                                                                         [{ kind: "name", reason: "Tokaev <is> not the ledger's form" }]),
                  s4: risk(0.2) } },
  };
}
function grid(data, lang = "en") {
  const timers = new FakeTimers();
  const core = new S.EditorCore({ transport: { call: () => new Promise(() => {}) }, storage: new FakeStorage(), timers, clock: timers });
  return { data, core, article: "a", lang, filter: { q: "", state: "all", flag: "all", order: R.defaultOrder() } };
}
const ids = (rows) => rows.map((r) => r.id);

test("riskiest first; untranslated segments after; equal risks in document order", () => {
  const d = view(), rows = R.units(d);
  assert.deepEqual(riskRanking(rows, d.risk, "en"), ["s3", "s1", "s4", "s2"]);
  assert.deepEqual(riskRanking(rows, {}, "en"), ["s1", "s2", "s3", "s4"]);  // no risk in the view: as in the article
  assert.deepEqual(ids(inRanking(rows, ["s4", "s1"])), ["s4", "s1", "s2", "s3"]);  // rows not ranked: after, in order
});

test("the risk order is the default, and a row keeps its place while the article and language stay the same", () => {
  assert.equal(R.defaultOrder(), "risk");
  const d = view(), g = grid(d);
  assert.deepEqual(ids(R.ordered(R.units(d), g.filter.order, "en", g)), ["s3", "s1", "s4", "s2"]);
  d.risk.en.s3.score = 0;  // s3 saved, its risk read again: it does not jump under the reviewer
  assert.deepEqual(ids(R.ordered(R.units(d), "risk", "en", g)), ["s3", "s1", "s4", "s2"]);
  g.article = "b";  // another article (here the same view): ranked anew
  assert.deepEqual(ids(R.ordered(R.units(d), "risk", "en", g)), ["s1", "s4", "s3", "s2"]);
  assert.deepEqual(ids(R.ordered(R.units(d), "risk", "en")), ["s1", "s2", "s3", "s4"]);  // no grid: as they come
});

test("the Order menu offers the risk order first; the Filters badge counts any other order", () => {
  const g = grid(view());
  assert.match(R.toolbar(g), /<select id='wb-order'><option value='risk' selected>riskiest first<\/option><option value='document'>as in the article<\/option><option value='review_first'>needing review first/);
  assert.equal(R.filtersActive(g), 0);
  g.filter.order = "document";
  assert.equal(R.filtersActive(g), 1);
});

test("each cell says why it ranks there and the flag list gives each fact flag's reason, escaped", () => {
  const d = view(), g = grid(d);
  const row = R.rowHtml(g, R.units(d)[2]);
  assert.match(row, /<b>risk 0\.9<\/b> <span class='wb-why'>name: Tokaev &lt;is&gt; not Tokayev<\/span>/);
  assert.match(row, /title='risk 0\.90: \+0\.60 name: Tokaev &lt;is&gt; not Tokayev; \+0\.30 numbers'/);
  assert.ok(!R.rowHtml(g, R.units(d)[1]).includes("wb-risk"));  // not translated: no risk
  const details = { unit: "s3", lang: "en", flags: [], qa: [], confidence: null, source: "", matches: [], terms: [], machine: "", text: "", history: [] };
  assert.match(R.detailsHtml(g, details), /<li class='wb-fact' data-fact='name'><b>name<\/b>: Tokaev &lt;is&gt; not the ledger&#39;s form<\/li>/);
  assert.equal(reasonText("+0.25 model confidence 55%"), "model confidence 55%");
});

test("Alt+K acts on the first name the ledger can fix or confirm that is not done yet", () => {
  const names = [{ ar: "a" }, { ar: "b", action: "fix", done: "replaced" }, { ar: "c", action: "confirm" }];
  assert.equal(actionable(names).ar, "c");
  assert.equal(actionable(names.slice(0, 2)), null);
});
