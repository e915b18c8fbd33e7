// The CAT editor's marks and panels (workbench/app/ui/js/cat.js) without a browser: counts, match badges, who
// else is here, which repeated rows a saved text may go to (never a person's), marked text from offsets, and
// every text from a person or the server escaped.
import test from "node:test";
import assert from "node:assert/strict";
import * as C from "../../workbench/app/ui/js/cat.js";
import { FakeStorage } from "./helpers.js";

const HOSTILE = "<img src=x onerror=alert(1)>'\"&";
const unit = (text, fields = {}) => ({ text, state: "machine", flags: [], reviewed: false, origin: "machine", match: "machine", revision_id: 7, ...fields });
function view(status = "in_review") {
  const A = "التقى لافروف  نظيره.", B = "وناقش الجانبان.";
  return { article: { status: { en: status }, segments: [
    { id: "a.m", kind: "meta", source_text: "meta line", targets: {} },
    { id: "a.1", kind: "body", source_text: A, targets: { en: unit("Lavrov met.", { origin: "human", reviewed: true, match: "human", state: "reviewed" }) } },
    { id: "a.2", kind: "body", source_text: B, targets: { en: unit("Talks.") } },
    { id: "a.3", kind: "body", source_text: ` ${A.replace("  ", " ")}`, targets: { en: unit("MT one.") } },
    { id: "a.4", kind: "body", source_text: A, targets: { en: unit("Mona's.", { origin: "human", match: "human", state: "edited" }) } },
    { id: "a.5", kind: "body", source_text: A, targets: { en: unit("Confirmed MT.", { origin: "human", reviewed: true, state: "reviewed" }) } },
    { id: "a.6", kind: "body", source_text: A, targets: { en: null } },
    { id: "a.7", kind: "body", source_text: A, targets: { en: unit("TM text.", { origin: "memory", match: "memory" }) } },
    { id: "a.8", kind: "body", source_text: A, targets: { en: unit("Given before.", { origin: "human", match: "human", state: "edited" }) } },
    { id: "a.9", kind: "body", source_text: A, targets: { en: unit("MT drafted.") } },
    { id: "a.10", kind: "body", source_text: A, targets: { en: unit("Lavrov met.") } },
  ] } };
}

test("counts: characters as code points, words by whitespace, the article's rows without metadata lines", () => {
  assert.equal(C.words("  Lavrov  met\nhim "), 3);
  assert.equal(C.words(""), 0);
  assert.equal(C.chars("كازاخستان"), 9);
  assert.equal(C.chars("a😀b"), 3);
  const counts = C.articleCounts(view(), "en");
  assert.equal(counts.rows, 10);
  assert.deepEqual(counts.source, C.tally(view().article.segments.filter((s) => s.kind !== "meta").map((s) => s.source_text)));
  assert.equal(C.fmt({ chars: 12345, words: 2 }), "12,345 characters · 2 words");
});

test("match badges: the machine with its model, 100 % memory, a fuzzy match on offer, propagated, human", () => {
  const mt = C.matchBadge(unit("x", { machine: { provenance: { model: "Helsinki-NLP/opus-mt-ar-en" } } }), {});
  assert.match(mt, /MT opus-mt-ar-en/);
  assert.match(mt, /title='machine translation: Helsinki-NLP\/opus-mt-ar-en'/);
  assert.match(C.matchBadge(unit("x"), { model: "m", fuzzy: 87.6 }), /TM 87%/);
  assert.match(C.matchBadge(unit("x", { match: "memory" }), {}), /TM 100%/);
  assert.match(C.matchBadge(unit("x", { match: "human" }), { propagated: true }), /propagated/);
  assert.match(C.matchBadge(unit("x", { match: "human" }), {}), />human</);
  assert.equal(C.matchBadge(null, {}), "");
  const hostile = C.matchBadge(unit("x"), { model: HOSTILE });
  assert.ok(!hostile.includes("<img") && hostile.includes("&lt;img"));
});

test("comment, repetition, dismissal and presence badges", () => {
  assert.equal(C.commentBadge([]), "");
  assert.match(C.commentBadge([{ resolved: false }, { resolved: true }]), /💬1/);
  assert.match(C.commentBadge([{ resolved: true }]), /💬✓/);
  assert.match(C.repeatBadge(2), /×3/);
  assert.equal(C.repeatBadge(0), "");
  assert.match(C.dismissedBadge({ dismissed: [{ flag: "numbers" }] }), /dismissed: numbers/);
  const here = C.presenceBadge([{ author: HOSTILE, unit: "a.2", lang: "en", editing: true }], "a.2", "en");
  assert.ok(here.includes("✎ &lt;img") && !here.includes("<img"));
  assert.equal(C.presenceBadge([{ author: "Bob", unit: "a.2", lang: "ru", editing: true }], "a.2", "en"), "");
});

test("who else is here: one line per person, with the grid's segment number", () => {
  const others = [{ author: "Alice", unit: "a.12", lang: "en", editing: true }, { author: "Bob", unit: null, lang: "ru", editing: false },
                  { author: "Alice", unit: null, lang: "en", editing: false }, { author: "Carol", unit: "summary", lang: "ru", editing: true }];
  const line = C.presenceLine(others, (u) => (u === "a.12" ? 12 : 0), (l) => ({ en: "English", ru: "Russian" }[l]));
  assert.equal(line, "Alice is editing segment 12 (English) · Bob has this article open · Carol is editing the summary (Russian)");
  assert.equal(C.presenceLine([], () => 0, (l) => l), "");
});

test("a tab's id is made once, kept for the tab, and is a token the server accepts", () => {
  const storage = new FakeStorage();
  const id = C.clientId(storage);
  assert.match(id, /^[A-Za-z0-9_-]{8,64}$/);
  assert.equal(C.clientId(storage), id);
  storage.setItem("workbench.tab", "../../etc");
  assert.notEqual(C.clientId(storage), "../../etc");
  assert.match(C.clientId(null), /^tab-[a-z0-9]{16}$/);
});

test("a saved text is offered to repeated rows only where no person wrote or confirmed the text", () => {
  const data = view(), marks = { "a.8": { propagated: true } };
  const drafted = new Set(["a.9"]);
  const offer = C.repeatCandidates(data, marks, "a.1", "en", "Lavrov met.", (u) => drafted.has(u));
  // a.3 (same Arabic once whitespace is one space, machine), a.6 (no text), a.7 (memory), a.8 (an earlier
  // propagation nobody confirmed); never a.4 (a person's), a.5 (confirmed), a.9 (a draft), a.10 (already this text)
  assert.deepEqual(offer.map((c) => c.unit), ["a.3", "a.6", "a.7", "a.8"]);
  assert.deepEqual(offer.map((c) => c.number), [3, 6, 7, 8]);
  assert.equal(offer.find((c) => c.unit === "a.6").revision_id, null);
  assert.deepEqual(C.repeatCandidates(view("approved"), marks, "a.1", "en", "Lavrov met.", () => false), []);
  assert.deepEqual(C.repeatCandidates(data, marks, "a.2", "en", "Talks!", () => false), []);
  assert.deepEqual(C.repeatCandidates(data, marks, "nope", "en", "x", () => false), []);
});

test("marked text: the places from offsets (code points), every piece escaped, bad offsets ignored", () => {
  assert.equal(C.marked("Lavrov met Lavrov", [[11, 17], [0, 6]]), "<mark>Lavrov</mark> met <mark>Lavrov</mark>");
  assert.equal(C.marked("😀 <b>", [[2, 5]]), "😀 <mark>&lt;b&gt;</mark>");
  assert.equal(C.marked("<i>x</i>", [[3, 2], [0, 99], [1, "2"], [-1, 1]]), "&lt;i&gt;x&lt;/i&gt;");
  assert.equal(C.marked("abcdef", [[0, 3], [2, 4]]), "<mark>abc</mark>def");  // overlapping: the first wins
});

test("comments, dismissals, concordance hits and replace previews show hostile text as text", () => {
  const c = { id: 1, article_id: "a", unit: "a.2", lang: "en", author: HOSTILE, text: HOSTILE, created: "2026-01-02T03:04:05", resolved: false, number: 2 };
  for (const html of [C.commentsHtml([c]), C.placedComments([c], "other"), C.placedComments([c], "a"),
                      C.dismissHtml([HOSTILE], [{ flag: HOSTILE, author: HOSTILE, reason: HOSTILE }], () => HOSTILE),
                      C.concordanceHtml({ ok: true, query: HOSTILE, total: 1, hits: [{ source: HOSTILE, text: HOSTILE, lang: "en", article_id: HOSTILE, source_spans: [[0, 4]], text_spans: [] }] }),
                      C.concordanceHtml({ ok: true, query: HOSTILE, total: 0, hits: [] }), C.concordanceHtml({ ok: false, error: HOSTILE }),
                      C.replacePreviewHtml({ ok: true, count: 1, changes: [{ unit: "a.2", number: 2, old: HOSTILE, new: HOSTILE, spans: [[0, 1]], new_spans: [[0, 1]] }] }, () => HOSTILE)]) {
    assert.ok(!html.includes("<img"), html);
  }
  assert.match(C.placedComments([c], "other"), /href='\?article=a#wb=a\.2%3Aen'/);
  assert.match(C.commentsHtml([c]), /data-resolved='1'>Resolve/);
  assert.match(C.commentsHtml([{ ...c, resolved: true, resolved_by: "mona" }]), /resolved by mona/);
});

test("flags that are facts or have their own way out are not offered for dismissal", () => {
  const html = C.dismissHtml(["meaningless_model", "stale_pivot", "numbers"], [], (f) => f);
  assert.ok(html.includes("data-flag='numbers'") && !html.includes("data-flag='meaningless_model'") && !html.includes("data-flag='stale_pivot'"));
  assert.equal(C.dismissHtml(["meaningless_model"], [], (f) => f), "");
  assert.match(C.dismissHtml([], [{ flag: "numbers", author: "ali", reason: "written out" }], (f) => f), /Restore/);
});

test("a replace preview checks every change except where the reviewer has unsaved text", () => {
  const r = { ok: true, count: 3, changes: [
    { unit: "a.1", number: 1, old: "Astana, Astana", new: "Nur-Sultan, Nur-Sultan", spans: [[0, 6], [8, 14]], new_spans: [[0, 10], [12, 22]] },
    { unit: "summary", number: null, old: "Astana", new: "Nur-Sultan", spans: [[0, 6]], new_spans: [[0, 10]] }] };
  const html = C.replacePreviewHtml(r, (u) => (u === "summary" ? "you have unsaved text here" : ""));
  assert.equal((html.match(/data-i='\d+' checked/g) || []).length, 1);
  assert.match(html, /data-i='1' disabled/);
  assert.match(html, /<mark>Nur-Sultan<\/mark>, <mark>Nur-Sultan<\/mark>/);
  assert.match(C.replacePreviewHtml({ ok: true, count: 0, changes: [] }, () => ""), /No match/);
});

test("a long unit's preview is an excerpt that says so, and a long preview comes a page at a time", () => {
  const r = { ok: true, count: 500, units: 120, more: true, changes: [
    { unit: "a.1", number: 1, old: "x Astana y", new: "x Nur-Sultan y", spans: [[2, 8]], new_spans: [[2, 12]], count: 400, shown: 1, start: 10, length: 5000 }] };
  const html = C.replacePreviewHtml(r, () => "");
  assert.match(html, /500 matches in 120 units/);
  assert.match(html, /… x <mark>Astana<\/mark> y …/);
  assert.match(html, /400 matches here, the first 1 shown/);
  assert.match(html, /Showing 1 of 120 units/);
  assert.match(html, /data-cat='replace-more'/);
  const whole = C.replacePreviewHtml({ ...r, more: false, changes: [{ ...r.changes[0], start: 0, length: 10, count: 1 }] }, () => "");
  assert.ok(!whole.includes("…") && !whole.includes("replace-more") && !whole.includes("shown"));
});
