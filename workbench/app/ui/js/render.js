// The editor's HTML, as strings built from the server's view (review_view) and the editor's state: rows,
// cells, the toolbar, the details under the open row, the key list. Every text from the data is escaped.
// Languages, their states and flags come from the server's view, never from here.
//
// Extension points for features that plug in later (comments, concordance, propagation, presence):
//   registerSection({id, title, order, render(details, g) → html})  a section of the details panel
//   registerBadge((unit, lang, row, g) → html)                       a mark on every cell
//   registerKey({keys, help, when: "editor" | "page", match(e), run(g, e)})  a key (keys.js runs them)
//   extendFlags({action(flag, details, g) → html, after(details, g) → html})  more in the flags section (each optional)
//   registerOrder({id, label, place, rank(rows, lang, g) → rows})   an order of the rows; the lowest place is the default
import { keyOf, PRESS_GUARD_MS } from "./state.js";
import { esc } from "./html.js";
import { conflictHtml } from "./conflict.js";
import { diffSlot } from "./diff.js";

const sections = [], badges = [], keys = [], flagExtras = [], orders = [];
const registerSection = (spec) => { sections.push(spec); sections.sort((a, b) => a.order - b.order); };
const registerBadge = (fn) => badges.push(fn);
const registerKey = (spec) => keys.push(spec);
const extendFlags = (spec) => flagExtras.push(spec);
const registerOrder = (spec) => { orders.push(spec); orders.sort((a, b) => a.place - b.place); };

// ------------------------------------------------------------------ what the server says
const langsOf = (data) => data.languages ? Object.keys(data.languages) : Object.keys(data.counts);
let names = null;
function langName(data, lang) {
  if (data && data.languages && data.languages[lang]) return data.languages[lang];
  try { names = names || new Intl.DisplayNames(["en"], { type: "language" }); return names.of(lang) || lang; }
  catch (_) { return lang; }
}
const statesOf = (data) => data.states || Object.keys(Object.values(data.counts)[0] || {})
  .filter((k) => !["total", "done", "untranslated"].includes(k));
// Translatable rows, numbered from 1 as everywhere in the grid (metadata lines are not rows).
const units = (data) => data.article.segments.filter((s) => s.kind !== "meta").map((s, i) => ({ ...s, number: i + 1 }));
const targetOf = (data, unit, lang) => unit === "summary" ? data.article.summaries[lang]
  : ((data.article.segments.find((s) => s.id === unit) || {}).targets || {})[lang] || null;
// What an approval from this page is of: the article's source hash and the newest revision id of the language
// among the units shown (0: none); the server refuses the approval when the article changed since.
const seenForApproval = (data, lang) => [data.article.content_hash || "", Math.max(0,
  ...data.article.segments.map((s) => ((s.targets || {})[lang] || {}).revision_id || 0),
  ((data.article.summaries || {})[lang] || {}).revision_id || 0)];
// The server says which of a unit's flags block approval (a reviewed stale_pivot is only a warning).
const blockingOf = (data, unit) => (!unit ? [] : unit.blocking || unit.flags.filter((f) => data.blocking.includes(f)));
const override = (data, lang) => ((data.article.status_override || {})[lang]) || null;
// Why a language is to be reviewed again (its source changed since it was approved), or null.
const reopened = (data, lang) => ((data.article.status_reopened || {})[lang]) || null;

// ------------------------------------------------------------------ filters (on the language being reviewed)
function visible(row, f, lang, data) {
  const q = f.q.trim().toLowerCase();
  if (q) {
    const hay = [row.source_text, ...langsOf(data).map((l) => row.targets[l] ? row.targets[l].text : "")].join("\n").toLowerCase();
    if (!hay.includes(q)) return false;
  }
  const u = row.targets[lang];
  if (f.state !== "all" && (u ? u.state : "untranslated") !== f.state) return false;
  const flags = u ? u.flags : [];
  if (f.flag === "flagged" && !flags.length) return false;
  if (f.flag === "blocking" && !blockingOf(data, u).length) return false;
  if (!["all", "flagged", "blocking"].includes(f.flag) && !flags.includes(f.flag)) return false;
  return true;
}

// ------------------------------------------------------------------ orders (the Order menu; the first is the default)
registerOrder({ id: "document", label: "as in the article", place: 10, rank: (rows) => rows });
registerOrder({ id: "review_first", label: "needing review first", place: 20, rank(rows, lang) {
  const key = (r) => { const u = r.targets[lang]; return [u && u.reviewed ? 1 : 0, u && u.flags.length ? 0 : 1, u && u.confidence ? u.confidence.score : 1, r.number]; };
  return [...rows].sort((a, b) => { const x = key(a), y = key(b); for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i] - y[i]; return 0; });
} });
const defaultOrder = () => orders[0].id;
// The rows in `order` (an order no longer known: as in the article); `g` is the grid, for orders that need it.
function ordered(rows, order, lang, g) {
  const o = orders.find((x) => x.id === order);
  return o ? o.rank(rows, lang, g) : rows;
}

// ------------------------------------------------------------------ cells and rows
function badge(g, unit) {
  if (!unit) return "<span class='wb-state wb-untranslated'>—</span>";
  const low = unit.confidence && unit.confidence.score < g.data.low_confidence;
  const conf = unit.confidence ? ` <span class='wb-conf${low ? " wb-low" : ""}' title='model confidence'>conf. ${Math.round(unit.confidence.score * 100)}%</span>` : "";
  const block = blockingOf(g.data, unit).length;
  const flags = unit.flags.length ? ` <span class='wb-flags${block ? " wb-blocking" : ""}' title='${esc(unit.flags.join(", "))}'>⚑ ${unit.flags.length} ${unit.flags.length > 1 ? "flags" : "flag"}</span>` : "";
  return `<span class='wb-state wb-${esc(unit.state)}'>${esc(unit.state)}</span>${flags}${conf}`;
}

function hasDraft(g, unit, lang) {
  return !!g.core.drafts.get(g.article, unit, lang) || g.data.drafts.some((d) => d.unit === unit && d.lang === lang);
}

// One language's cell of a row, closed (the open editor is built by editorHtml).
function cell(g, unitName, lang, number) {
  const key = keyOf(g.article, unitName, lang), unit = targetOf(g.data, unitName, lang);
  const conflict = g.core.conflicts.get(key);
  const pending = g.core.queue.pendingSave(g.article, unitName, lang);
  const text = pending && pending.kind === "save" ? pending.text : unit ? unit.text : "";
  const draft = hasDraft(g, unitName, lang), note = g.core.notes.get(key);
  const state = pending ? "saving" : unit ? unit.state : "untranslated";
  const where = unitName === "summary" ? "Summary" : `Segment ${number}`;
  const label = `${where}, ${langName(g.data, lang)}, ${state}${unit && unit.flags.length ? `, ${unit.flags.length} flags` : ""}${draft ? ", draft" : ""}`;
  const extra = badges.map((fn) => fn(unit, lang, unitName, g) || "").join("");
  const body = conflict ? conflictHtml(g, conflict)
    : `<div class='wb-text' dir='auto'>${esc(text)}</div><div class='wb-badges'>${badge(g, unit)}` +
      `${pending ? " <span class='wb-saving'>saving…</span>" : ""}${draft ? " <span class='wb-draft'>draft</span>" : ""}${extra}</div>`;
  const noteHtml = note ? `<div class='wb-rownote wb-${esc(note.kind)}' role='status'>${esc(note.text)}</div>` : "";
  return `<td class='wb-cell${conflict ? " wb-has-conflict" : ""}' data-unit='${esc(unitName)}' data-lang='${esc(lang)}' ` +
    `tabindex='0' lang='${esc(lang)}' aria-label='${esc(label)}'>${body}${noteHtml}</td>`;
}

function rowHtml(g, r, hidden = false) {
  return `<tr data-seg='${esc(r.id)}' data-n='${r.number}'${hidden ? " hidden" : ""}><td class='wb-num'>${r.number}${r.kind !== "body" ? `<br><small>${esc(r.kind)}</small>` : ""}</td>` +
    `<td class='wb-ar' dir='rtl' lang='ar'>${esc(r.source_text)}</td>` + langsOf(g.data).map((l) => cell(g, r.id, l, r.number)).join("") + "</tr>";
}

function summaryRow(g) {
  return `<tr class='wb-summary' data-seg='summary' data-n='0'><td class='wb-num'>Σ</td><td class='wb-ar'><i>Summary of the article</i></td>` +
    langsOf(g.data).map((l) => cell(g, "summary", l, 0)).join("") + "</tr>";
}

function tableHtml(g) {
  const rows = ordered(units(g.data), g.filter.order, g.lang, g);
  return `<table class='wb-grid' id='wb-grid-table' tabindex='-1' aria-label='Segments'><thead><tr><th scope='col'>#</th><th scope='col'>Arabic</th>` +
    langsOf(g.data).map((l) => `<th scope='col'>${esc(langName(g.data, l))}</th>`).join("") + `</tr></thead>` +
    `<tbody>${summaryRow(g)}${rows.map((r) => rowHtml(g, r, !visible(r, g.filter, g.lang, g.data))).join("")}</tbody></table>`;
}

// ------------------------------------------------------------------ the toolbar (sticky: always on screen)
// One line per the issue 29 outcome: per language its status, reviewed/total, a bar and Approve; an override or a
// reopening is a short marker whose reason opens on demand.
const SHORT = { new: "new", machine: "MT", in_review: "review", approved: "✓ approved" };  // as in the article list
function marker(kind, label, reason) {
  return ` <details class='wb-marker wb-${kind}'><summary>${esc(label)}</summary><span class='wb-marker-body'>${esc(reason)}</span></details>`;
}
function counts(g) {
  return langsOf(g.data).map((l) => {
    const c = g.data.counts[l], blockers = g.data.approval[l], status = g.data.article.status[l], over = override(g.data, l);
    const again = reopened(g.data, l), pct = c.total ? Math.round((100 * c.done) / c.total) : 0, name = langName(g.data, l);
    return `<span class='wb-count' data-lang='${esc(l)}'><b title='${esc(name)}'>${esc(l)}</b> <span class='wb-status' title='${esc(`status: ${status}`)}'>${esc(SHORT[status] || status)}</span>` +
      `${over ? marker("override", "override", `approved with an override: ${over}`) : ""}${again ? marker("reopened", "reopened", again) : ""}` +
      ` <span class='wb-frac' title='${esc(`reviewed ${c.done} of ${c.total}${c.edited ? `, edited ${c.edited}` : ""}`)}'>${c.done}/${c.total}</span>` +
      ` <span class='wb-bar' role='progressbar' aria-label='${esc(name)} reviewed' aria-valuemin='0' aria-valuemax='${c.total}' aria-valuenow='${c.done}'><span style='width:${pct}%'></span></span>` +
      ` <button class='wb-approve' data-lang='${esc(l)}' aria-label='${esc(`Approve ${name}`)}' title='${esc(blockers.join("; ") || "ready to approve")}'>Approve</button></span>`;
  }).join("");
}

function filtersActive(g) { return ["state", "flag"].filter((k) => g.filter[k] !== "all").length + (g.filter.order !== defaultOrder() ? 1 : 0); }

function toolbar(g) {
  const flags = ["all", "flagged", "blocking", ...Object.keys(g.data.flag_help)];
  const opt = (values, cur, label = (v) => v) => values.map((v) => `<option value='${esc(v)}'${v === cur ? " selected" : ""}>${esc(label(v))}</option>`).join("");
  const msg = g.msg || { text: "", kind: "ok" }, on = filtersActive(g);
  const field = (id, label, html) => `<label class='wb-field' for='${id}'><span>${esc(label)}</span><select id='${id}'>${html}</select></label>`;
  return `<div class='wb-toolbar'><div class='wb-line'>
    <input id='wb-search' type='search' placeholder='Search segments' value='${esc(g.filter.q)}' aria-label='Search the Arabic and the translations'>
    <details class='wb-menu' id='wb-filters'><summary>Filters${on ? ` (${on})` : ""}</summary><div class='wb-menu-body'>
    ${field("wb-lang", "Language reviewed", opt(langsOf(g.data), g.lang, (l) => langName(g.data, l)))}
    ${field("wb-state", "State", opt(["all", ...statesOf(g.data)], g.filter.state))}
    ${field("wb-flag", "Flag", opt(flags, g.filter.flag))}
    ${field("wb-order", "Order", opt(orders.map((o) => o.id), g.filter.order, (v) => orders.find((o) => o.id === v).label))}</div></details>
    <div class='wb-counts'>${counts(g)}</div>
    <div id='wb-message' class='wb-note wb-${esc(msg.kind)}' role='status' aria-live='polite' title='${esc(msg.text)}' tabindex='-1'>${esc(msg.text)}</div>
    <details class='wb-menu wb-menu-end' id='wb-more'><summary aria-label='More actions'>More</summary><div class='wb-menu-body'>
    <button id='wb-next-review' title='Alt+N'>Next needing review (Alt+N)</button>
    <button id='wb-help-button' title='?' aria-haspopup='dialog'>Keys (?)</button></div></details>
  </div></div>`;
}

function page(g) {
  const ro = g.data.read_only ? "<div class='wb-error'>Read-only: nothing can be saved here.</div>" : "";
  return `<a class='wb-skip' href='#wb-grid-table'>Skip to the segments</a>${ro}${toolbar(g)}${tableHtml(g)}<div id='wb-help' hidden>${help(g)}</div>`;
}

// ------------------------------------------------------------------ the open editor and its details
function wordCount(text) { const t = text.trim(); return t ? t.split(/\s+/u).length : 0; }
function countsLine(text) { return `${[...text].length} characters · ${wordCount(text)} words`; }

function editorHtml(g, s, note) {
  const name = langName(g.data, s.lang), where = s.unit === "summary" ? "summary" : `segment ${s.number}`;
  return `<textarea id='wb-editor' lang='${esc(s.lang)}' dir='auto' aria-label='${esc(`${name} text, ${where}`)}' rows='3'>${esc(s.text)}</textarea>` +
    `<div class='wb-actions'><button id='wb-save' class='wb-primary' title='Ctrl+Enter'>Save as reviewed ⏎</button>` +
    `<button id='wb-save-edit' title='Ctrl+S'>Save (edited)</button><button id='wb-retranslate'>${s.unit === "summary" ? "Regenerate" : "Re-translate"}</button>` +
    `<span id='wb-counts-open' class='wb-meta'>${countsLine(s.text)}</span></div>` +
    `<div id='wb-row-message' class='wb-note wb-${esc(note ? note.kind : "ok")}' role='status' aria-live='polite'>${note ? note.html || esc(note.text) : ""}</div>`;
}

function detailsHtml(g, d) {
  const inner = d ? sections.map((sec) => {
    const html = sec.render(d, g);
    return html ? `<section data-section='${esc(sec.id)}'><h4>${esc(sec.title)}</h4>${html}</section>` : "";
  }).join("") : "<p class='wb-meta'>Loading flags, memory, glossary and history…</p>";
  return `<td colspan='${2 + langsOf(g.data).length}'><div class='wb-detail-grid' role='region' aria-label='Segment details' tabindex='0'>${inner}</div></td>`;
}

// Built-in sections of the details panel.
// The details panel, in the order of use (issue 29): set-aside text, memory, glossary, machine suggestions,
// concordance, then flags (each with its dismissal: extendFlags, from cat_grid.js), comments,
// machine → current, history.
registerSection({ id: "flags", title: "Flags", order: 40, render(d, g) {
  const items = d.flags.map((f) => `<li data-flag='${esc(f)}'><b>${esc(f)}</b>: ${esc(g.data.flag_help[f] || f)}${g.data.blocking.includes(f) ? " <i>(blocks approval)</i>" : ""}${flagExtras.map((x) => (x.action ? x.action(f, d, g) : "")).join("")}</li>`).join("") +
    flagExtras.map((x) => (x.after ? x.after(d, g) : "")).join("") + d.qa.map((q) => `<li>${esc(q)}</li>`).join("");
  const conf = d.confidence ? `<p class='wb-conf-line'>Model confidence <b>${(d.confidence.score * 100).toFixed(1)}%</b> over ${d.confidence.tokens} tokens; least sure: ${d.confidence.low_tokens.map((t) => `<code>${esc(t.token)}</code>`).join(" ")}. <span title='${esc(g.data.confidence_help)}'>ⓘ</span></p>` : "";
  const src = d.source ? "<button id='wb-copy-source' title='Alt+S'>Copy source</button>" : "";
  return `${items ? `<ul>${items}</ul>` : "<p>None.</p>"}${conf}${src}`;
} });
registerSection({ id: "memory", title: "Memory", order: 20, render(d) {
  const items = d.matches.map((m, i) => `<li><button class='wb-use' data-i='${i}' title='Alt+${i + 1}'>Use ${i + 1}</button> ${esc(m.score)}% · ${esc(m.text)}<div class='wb-ar' dir='rtl' lang='ar'>${diffSlot(m.source, d.source)}</div></li>`).join("");
  return items ? `<ol>${items}</ol>` : "<p>No similar reviewed sentence.</p>";
} });
registerSection({ id: "glossary", title: "Glossary", order: 30, render(d) {
  const items = d.terms.map((t, i) => `<li><span dir='rtl' lang='ar'>${esc(t.ar)}</span> → ${t.forms.map((f) => `<button class='wb-term' data-form='${esc(f)}' title='Alt+Shift+${i + 1}'>${esc(f)}</button>`).join(" ")}${t.note ? ` <small>${esc(t.note)}</small>` : ""}</li>`).join("");
  return items ? `<ol>${items}</ol>` : "<p>No glossary term in this segment.</p>";
} });
registerSection({ id: "set-aside", title: "Set aside", order: 5, render(d, g) {
  const t = g.core.drafts.trashed(g.article, d.unit, d.lang);
  return t ? `<p>Your text, set aside (${esc(t.why)}):</p><div class='wb-hist-text'>${esc(t.text)}</div><button id='wb-untrash'>Put it back in the editor</button>` : "";
} });
registerSection({ id: "changes", title: "Machine → current", order: 55, render(d) { return `<div class='diff'>${diffSlot(d.machine, d.text)}</div>`; } });
registerSection({ id: "history", title: "History", order: 60, render(d) {
  const items = d.history.map((h) => `<li><label><input type='checkbox' class='wb-pick' value='${esc(h.id)}'> #${esc(h.id)}</label> ${esc(h.created)} · ${esc(h.author)} · ${esc(h.origin)}${h.reviewed ? " · reviewed" : ""} ` +
    `<button class='wb-restore' data-rev='${esc(h.id)}'>Restore</button><div class='wb-hist-text'>${esc(h.text)}</div></li>`).join("");
  return `<button id='wb-compare'>Compare two checked</button><div id='wb-compare-out'></div><ul class='wb-history'>${items}</ul>`;
} });

// ------------------------------------------------------------------ the key list
function help(g) {
  const list = keys.filter((k) => k.help).map((k) => `<tr><td><kbd>${esc(k.keys)}</kbd></td><td>${esc(k.help)}</td></tr>`).join("");
  const states = statesOf(g.data).map((s) => `<b>${esc(s)}</b>`).join(" · ");
  return `<div class='wb-help-box' role='dialog' aria-modal='true' aria-labelledby='wb-help-title'><h3 id='wb-help-title'>Keys</h3><table>${list}</table>` +
    `<p>States: ${states}. A save key pressed within ${PRESS_GUARD_MS} ms of a segment opening is ignored (a double press never confirms the next segment unread).</p>` +
    `<p>${esc(g.data.confidence_help || "")}</p><button id='wb-help-close'>Close</button></div>`;
}

export { esc, registerSection, registerBadge, registerKey, extendFlags, registerOrder, defaultOrder, sections, badges, keys, langsOf, langName, statesOf,
         units, targetOf, seenForApproval, blockingOf, visible, ordered, filtersActive, cell, rowHtml, summaryRow, tableHtml, toolbar, counts,
         page, editorHtml, detailsHtml, countsLine, help };
