// The grid's HTML and filters, without a browser: languages and states come from the server's view, the state
// filter applies to the language being reviewed, text is always escaped.
import test from "node:test";
import assert from "node:assert/strict";
import * as S from "../../workbench/app/ui/js/state.js";
import * as R from "../../workbench/app/ui/js/render.js";
import { FakeStorage, FakeTimers } from "./helpers.js";

const unit = (text, state, flags = []) => ({ text, state, flags, qa: [], confidence: null, reviewed: state === "reviewed", revision_id: 1 });
function view() {
  return {
    article: { status: { en: "in_review", ru: "machine" }, summaries: { en: null, ru: null }, segments: [
      { id: "a.m", kind: "meta", source_text: "meta", targets: {} },
      { id: "a.1", kind: "body", source_text: "واحد", targets: { en: unit("<b>one</b>", "reviewed"), ru: unit("один", "machine", ["numbers"]) } },
      { id: "a.2", kind: "body", source_text: "اثنان", targets: { en: unit("two", "machine"), ru: unit("два", "reviewed") } },
    ] },
    counts: { en: { machine: 1, edited: 0, reviewed: 1, approved: 0, untranslated: 0, total: 2, done: 1 },
              ru: { machine: 1, edited: 0, reviewed: 1, approved: 0, untranslated: 0, total: 2, done: 1 } },
    approval: { en: [], ru: [] }, drafts: [], flag_help: { numbers: "a number differs" }, blocking: ["numbers"], low_confidence: 0.5,
  };
}
function grid(data, lang = "en") {
  const timers = new FakeTimers();
  const core = new S.EditorCore({ transport: { call: () => new Promise(() => {}) }, storage: new FakeStorage(), timers, clock: timers });
  return { data, core, article: "a", lang, filter: { q: "", state: "all", flag: "all", order: "document" } };
}

test("languages and states come from the server's view", () => {
  const d = view();
  assert.deepEqual(R.langsOf(d), ["en", "ru"]);
  assert.deepEqual(R.statesOf(d), ["machine", "edited", "reviewed", "approved"]);
  d.languages = { ru: "Russian", de: "German" };
  d.states = ["draft", "final"];
  assert.deepEqual(R.langsOf(d), ["ru", "de"]);
  assert.equal(R.langName(d, "de"), "German");
  assert.deepEqual(R.statesOf(d), ["draft", "final"]);
});

test("rows are numbered from 1 without metadata lines", () => {
  assert.deepEqual(R.units(view()).map((r) => [r.id, r.number]), [["a.1", 1], ["a.2", 2]]);
});

test("the state and flag filters apply to the language being reviewed", () => {
  const d = view(), rows = R.units(d);
  const f = { q: "", state: "machine", flag: "all" };
  assert.deepEqual(rows.filter((r) => R.visible(r, f, "en", d)).map((r) => r.id), ["a.2"]);
  assert.deepEqual(rows.filter((r) => R.visible(r, f, "ru", d)).map((r) => r.id), ["a.1"]);
  const blocking = { q: "", state: "all", flag: "blocking" };
  assert.deepEqual(rows.filter((r) => R.visible(r, blocking, "en", d)).map((r) => r.id), []);
  assert.deepEqual(rows.filter((r) => R.visible(r, blocking, "ru", d)).map((r) => r.id), ["a.1"]);
  const search = { q: "ДВА", state: "all", flag: "all" };  // the search covers every language
  assert.deepEqual(rows.filter((r) => R.visible(r, search, "en", d)).map((r) => r.id), ["a.2"]);
});

test("cells escape text, announce segment, language and state, and mark Arabic", () => {
  const g = grid(view());
  const html = R.rowHtml(g, R.units(g.data)[0]);
  assert.ok(html.includes("&lt;b&gt;one&lt;/b&gt;") && !html.includes("<b>one</b>"));
  assert.match(html, /aria-label='Segment 1, English, reviewed'/);
  assert.match(html, /aria-label='Segment 1, Russian, machine, 1 flags'/);
  assert.match(html, /<td class='wb-ar' dir='rtl' lang='ar'>واحد<\/td>/);
});

test("an override approval is shown as such; registered sections and badges plug in", () => {
  const d = view();
  d.article.status.en = "approved";
  d.article.status_override = { en: "tiny models" };
  const g = grid(d);
  // a short marker in the one-line toolbar; its reason opens on demand (issue 29)
  assert.match(R.counts(g), /approved<\/span> <details class='wb-marker wb-override'><summary>override<\/summary><span class='wb-marker-body'>approved with an override: tiny models</)
  R.registerBadge((u, lang, unitName) => (unitName === "a.2" && lang === "en" ? "<span class='x-comments'>2</span>" : ""));
  assert.ok(R.rowHtml(g, R.units(d)[1]).includes("x-comments"));
  R.registerSection({ id: "comments", title: "Comments", order: 45, render: (details) => `<p>${R.esc(details.unit)}</p>` });
  const details = { unit: "a.2", lang: "en", flags: [], qa: [], confidence: null, source: "", matches: [], terms: [], machine_diff_html: "", history: [] };
  assert.ok(R.detailsHtml(g, details).includes("data-section='comments'"));
});

test("a language reopened by a changed source says so in the header, escaped", () => {
  const d = view();
  d.article.status_reopened = { en: "source changed", ru: null };
  const g = grid(d);
  assert.match(R.counts(g), /review<\/span> <details class='wb-marker wb-reopened'><summary>reopened<\/summary><span class='wb-marker-body'>source changed</)
  d.article.status_reopened = { en: "<i>x</i>" };
  assert.ok(!R.counts(g).includes("<i>") && R.counts(g).includes("&lt;i&gt;"));
  assert.ok(!R.counts(grid(view())).includes("reopened"));
});

test("an approval is of what the page shows: its source hash and the language's newest revision", () => {
  const data = { article: { content_hash: "abc", summaries: { en: { revision_id: 9 }, ru: null },
    segments: [{ id: "m", kind: "meta", targets: {} }, { id: "a", targets: { en: { revision_id: 12 }, ru: { revision_id: 3 } } },
               { id: "b", targets: { en: null } }] } };
  assert.deepEqual(R.seenForApproval(data, "en"), ["abc", 12]);
  assert.deepEqual(R.seenForApproval(data, "ru"), ["abc", 3]);
  data.article.segments[1].targets.ru = null;
  assert.deepEqual(R.seenForApproval(data, "ru"), ["abc", 0]);
});
