// The CAT editor's marks and panels as HTML strings and plain data, without a DOM (tests/js/cat.test.js runs it in
// Node): match badges (machine with its model, memory 100 %, a fuzzy memory match NN % on offer, propagated,
// human), comment and repetition badges, character and word counts, which repeated rows a saved text can be
// offered to, who else has the article open, and text with the places a search found marked. Every text from the
// server or a person is escaped (html.js's esc); a mark is built from offsets, never by putting text into HTML.
// The grid integration (server calls, sections, keys, the find-and-replace panel) is cat_grid.js.
import { esc } from "./html.js";

// ------------------------------------------------------------------ counts
function words(text) { const t = String(text || "").trim(); return t ? t.split(/\s+/u).length : 0; }
function chars(text) { return [...String(text || "")].length; }
function tally(texts) { return texts.reduce((a, t) => ({ chars: a.chars + chars(t), words: a.words + words(t) }), { chars: 0, words: 0 }); }

// The article's counts: its Arabic and one language's current text, over the translatable rows.
function articleCounts(data, lang) {
  const rows = data.article.segments.filter((s) => s.kind !== "meta");
  return { rows: rows.length, source: tally(rows.map((r) => r.source_text)),
           target: tally(rows.map((r) => (r.targets[lang] ? r.targets[lang].text : ""))) };
}
const fmt = (c) => `${c.chars.toLocaleString("en")} characters · ${c.words.toLocaleString("en")} words`;

// ------------------------------------------------------------------ marks on a cell
const shortModel = (id) => String(id || "").split("/").pop();

function matchBadge(unit, mark) {
  if (!unit) return "";
  const m = mark || {};
  if (m.propagated) return " <span class='wb-match wb-m-propagated' title='given from a repeated segment with the same Arabic; confirm it in context'>⇉ propagated</span>";
  if (unit.match === "memory") return " <span class='wb-match wb-m-memory' title='a 100 % translation-memory match, pre-filled at translation'>TM 100%</span>";
  if (unit.match === "machine") {
    const model = m.model || (unit.machine && unit.machine.provenance && unit.machine.provenance.model) || "";
    const fuzzy = typeof m.fuzzy === "number" ? ` <span class='wb-match wb-m-fuzzy' title='a similar reviewed sentence is in the memory (Alt+1 uses it)'>TM ${Math.floor(m.fuzzy)}%</span>` : "";
    return ` <span class='wb-match wb-m-machine' title='${esc(`machine translation: ${model || "unknown model"}`)}'>MT ${esc(shortModel(model))}</span>${fuzzy}`;
  }
  return " <span class='wb-match wb-m-human' title='written or confirmed by a person'>human</span>";
}

function commentBadge(comments) {
  if (!comments || !comments.length) return "";
  const open = comments.filter((c) => !c.resolved).length;
  const title = `${open} open, ${comments.length - open} resolved comments`;
  return ` <span class='wb-cmt${open ? " wb-cmt-open" : ""}' title='${esc(title)}'>💬${open || "✓"}</span>`;
}

function repeatBadge(count) {
  return count ? ` <span class='wb-rep' title='${esc(`${count} other rows have the same Arabic`)}'>×${count + 1}</span>` : "";
}

function dismissedBadge(mark) {
  const d = (mark && mark.dismissed) || [];
  return d.length ? ` <span class='wb-dismissed' title='${esc(`dismissed: ${d.map((x) => x.flag).join(", ")}`)}'>⚐${d.length}</span>` : "";
}

function presenceBadge(others, unit, lang) {
  const here = (others || []).filter((o) => o.editing && o.unit === unit && o.lang === lang);
  return here.length ? ` <span class='wb-here' title='${esc(`${here.map((o) => o.author).join(", ")} editing this now`)}'>✎ ${esc(here[0].author)}</span>` : "";
}

// ------------------------------------------------------------------ who else is here
// One entry per person (their newest, an editing one first: two tabs of one reviewer are one person).
function people(others) {
  const by = new Map();
  for (const o of others || []) {
    const had = by.get(o.author);
    if (!had || (o.editing && !had.editing)) by.set(o.author, o);
  }
  return [...by.values()];
}

function presenceLine(others, numberOf, langName) {
  const list = people(others);
  if (!list.length) return "";
  return list.map((o) => {
    if (!o.editing) return `${o.author} has this article open`;
    const where = o.unit === "summary" ? "the summary" : `segment ${numberOf(o.unit) || "?"}`;
    return `${o.author} is editing ${where} (${langName(o.lang)})`;
  }).join(" · ");
}

// A token for this browser tab (kept for the tab's life in sessionStorage).
function clientId(storage, random = Math.random) {
  const saved = storage && storage.getItem("workbench.tab");
  if (saved && /^[A-Za-z0-9_-]{8,64}$/.test(saved)) return saved;
  const made = `tab-${Array.from({ length: 16 }, () => "abcdefghijklmnopqrstuvwxyz0123456789"[Math.floor(random() * 36)]).join("")}`;
  if (storage) { try { storage.setItem("workbench.tab", made); } catch (_) { /* private mode: a new id per load */ } }
  return made;
}

// ------------------------------------------------------------------ repeated rows
const sourceKey = (text) => String(text || "").split(/\s+/u).filter(Boolean).join(" ");

// The rows a saved text could be given to: the same Arabic, a text no person made and nobody confirmed (none,
// the machine's, the memory's, or an unconfirmed propagated one), not already that text, no draft of the
// reviewer there, the language not approved. The server checks all of it again when it writes.
function repeatCandidates(data, marks, unitName, lang, text, hasDraft) {
  const rows = data.article.segments.filter((s) => s.kind !== "meta").map((s, i) => ({ ...s, number: i + 1 }));
  const from = rows.find((r) => r.id === unitName);
  if (!from || data.article.status[lang] === "approved") return [];
  const key = sourceKey(from.source_text), mark = (id) => ((marks || {})[id] || {});
  return rows.filter((r) => {
    if (r.id === unitName || sourceKey(r.source_text) !== key || hasDraft(r.id)) return false;
    const u = r.targets[lang];
    if (!u) return true;
    return !u.reviewed && (u.origin === "machine" || u.origin === "memory" || u.origin === null || !!mark(r.id).propagated) && u.text !== text;
  }).map((r) => ({ unit: r.id, number: r.number, revision_id: r.targets[lang] ? r.targets[lang].revision_id : null }));
}

// ------------------------------------------------------------------ marked text
// `text` with the [start, end) places marked, every piece escaped. Offsets count code points, as Python's do.
function marked(text, spans) {
  const t = [...String(text || "")], out = [];
  let at = 0;
  for (const [s, e] of [...(spans || [])].sort((a, b) => a[0] - b[0])) {
    if (!(Number.isInteger(s) && Number.isInteger(e)) || s < at || e <= s || e > t.length) continue;
    out.push(esc(t.slice(at, s).join("")), "<mark>", esc(t.slice(s, e).join("")), "</mark>");
    at = e;
  }
  out.push(esc(t.slice(at).join("")));
  return out.join("");
}

// ------------------------------------------------------------------ comments
function commentsHtml(comments) {
  return `${commentListHtml(comments)}` +
    "<textarea id='wb-comment-text' rows='2' maxlength='4000' placeholder='A comment for this segment (@name mentions a reviewer) · Ctrl+Enter adds it' aria-label='New comment'></textarea>" +
    "<button data-cat='comment' title='Ctrl+Enter in the box'>Add comment</button>";
}
// The comments of a unit as a list (drawn again alone when a colleague's comment arrives: the box keeps its text).
function commentListHtml(comments) {
  const items = (comments || []).map((c) => `<li class='wb-comment${c.resolved ? " wb-resolved" : ""}' data-id='${esc(c.id)}'>` +
    `<b>${esc(c.author)}</b> <small>${esc(String(c.created || "").slice(0, 16).replace("T", " "))}${c.resolved ? ` · resolved by ${esc(c.resolved_by || "?")}` : ""}</small>` +
    ` <button data-cat='resolve' data-id='${esc(c.id)}' data-resolved='${c.resolved ? "0" : "1"}'>${c.resolved ? "Reopen" : "Resolve"}</button>` +
    `<div class='wb-comment-text' dir='auto'>${esc(c.text)}</div></li>`).join("");
  return `<div class='wb-comment-list'>${items ? `<ul class='wb-comments'>${items}</ul>` : "<p class='wb-meta'>No comment yet.</p>"}</div>`;
}

function placedComments(found, current) {
  if (!found.length) return "<p class='wb-meta'>None.</p>";
  return `<ul class='wb-comments'>${found.map((c) => {
    const where = c.unit === "summary" ? "summary" : `segment ${c.number || "?"}`;
    const href = `?article=${encodeURIComponent(c.article_id)}#wb=${encodeURIComponent(`${c.unit}:${c.lang}`)}`;
    const go = c.article_id === current ? `<button data-cat='goto' data-unit='${esc(c.unit)}' data-lang='${esc(c.lang)}'>Open</button>`
      : `<a href='${esc(href)}'>Open</a>`;
    return `<li><b>${esc(c.author)}</b> on ${esc(c.article_id)}, ${esc(where)} (${esc(c.lang)}) ${go}${c.resolved ? " · resolved" : ""}<div class='wb-comment-text' dir='auto'>${esc(c.text)}</div></li>`;
  }).join("")}</ul>`;
}

// ------------------------------------------------------------------ flags and their dismissal
const NOT_DISMISSABLE = ["meaningless_model", "stale_pivot"];
function dismissHtml(flags, dismissed, helpOf) {
  const open = (flags || []).filter((f) => !NOT_DISMISSABLE.includes(f)).map((f) =>
    `<li data-flag='${esc(f)}'><b>${esc(f)}</b>: ${esc(helpOf(f))} <button data-cat='dismiss-ask' data-flag='${esc(f)}'>Dismiss…</button></li>`).join("");
  const gone = dismissedHtml(dismissed);
  if (!open && !gone) return "";
  return `<ul>${open}${gone}</ul><p class='wb-meta'>A dismissed flag no longer blocks approval; it comes back when the text changes.</p>`;
}

// The dismissed flags as items of the flags list (each with Restore).
function dismissedHtml(dismissed) {
  return (dismissed || []).map((d) => `<li class='wb-dismissed-item'><s>${esc(d.flag)}</s> dismissed by <b>${esc(d.author)}</b>: ` +
    `<span dir='auto'>${esc(d.reason)}</span> <button data-cat='restore-flag' data-flag='${esc(d.flag)}'>Restore</button></li>`).join("");
}

// ------------------------------------------------------------------ concordance and replace previews
function concordanceHtml(r) {
  if (!r) return "";
  if (!r.ok) return `<p class='wb-error'>${esc(r.error)}</p>`;
  if (!r.hits.length) return `<p class='wb-meta'>No reviewed pair contains “${esc(r.query)}”.</p>`;
  return `<p class='wb-meta'>${r.total} pairs${r.total > r.hits.length ? ` (first ${r.hits.length})` : ""}</p><ol class='wb-conc'>${r.hits.map((h, i) =>
    `<li><div class='wb-ar' dir='rtl' lang='ar'>${marked(h.source, h.source_spans)}</div><div dir='auto' lang='${esc(h.lang)}'>${marked(h.text, h.text_spans)}</div>` +
    `<small>${esc(h.lang)} · ${esc(h.article_id)}</small> <button data-cat='conc-insert' data-i='${i}'>Insert</button></li>`).join("")}</ol>`;
}

function replacePreviewHtml(r, blocked) {
  if (!r.ok) return `<p class='wb-error'>${esc(r.error)}</p>`;
  if (!r.changes.length) return "<p class='wb-meta'>No match in this article and language.</p>";
  const rows = r.changes.map((c, i) => {
    const why = blocked(c.unit);
    // an excerpt of a long unit: "…" where text is left out, and how many of its matches it shows
    const before = c.start > 0 ? "… " : "", after = Number.isInteger(c.length) && c.start + [...String(c.old)].length < c.length ? " …" : "";
    const shown = Number.isInteger(c.shown) && c.shown < c.count ? `<div class='wb-meta'>${esc(c.count)} matches here, the first ${esc(c.shown)} shown; every one is replaced.</div>` : "";
    return `<tr><td><input type='checkbox' class='wb-pick-change' data-i='${i}'${why ? " disabled" : " checked"} aria-label='${esc(`change ${c.unit === "summary" ? "the summary" : `segment ${c.number}`}`)}'></td>` +
      `<td>${c.unit === "summary" ? "Σ" : esc(c.number)}</td><td dir='auto' class='wb-old'>${before}${marked(c.old, c.spans)}${after}</td><td dir='auto' class='wb-new'>${before}${marked(c.new, c.new_spans)}${after}${shown}${why ? `<div class='wb-warn'>${esc(why)}</div>` : ""}</td></tr>`;
  }).join("");
  const units = Number.isInteger(r.units) ? r.units : r.changes.length;
  const more = r.more ? `<p class='wb-meta'>Showing ${r.changes.length} of ${units} units. <button data-cat='replace-more'>Show more units</button></p>` : "";
  return `<p>${esc(r.count)} matches in ${esc(units)} units. Each checked one gets one revision (state edited: confirm it again in context).</p>` +
    `<table class='wb-replace'><thead><tr><th></th><th>#</th><th>Now</th><th>After</th></tr></thead><tbody>${rows}</tbody></table>${more}` +
    "<button data-cat='replace-apply' class='wb-primary'>Replace in the checked units</button>";
}

export { words, chars, tally, articleCounts, fmt, shortModel, matchBadge, commentBadge, repeatBadge, dismissedBadge,
         presenceBadge, presenceLine, people, clientId, sourceKey, repeatCandidates, marked, commentsHtml, commentListHtml, placedComments,
         dismissHtml, dismissedHtml, concordanceHtml, replacePreviewHtml, NOT_DISMISSABLE };
