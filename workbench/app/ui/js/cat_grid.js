// The CAT editor in the grid: loads the article's CAT marks (cat_view) and shows them on the cells, adds details
// sections (dismiss a flag, comments, concordance), a line in the sticky toolbar (article counts, who else is
// here, the propagation offer, find and replace, mentions), a floating panel (find and replace with a preview,
// mentions, comment search), keys (Alt+P, Alt+Shift+P, Alt+C, Alt+M, Alt+R) and the presence heartbeat.
// It plugs in through render.js's registerSection/registerBadge/registerKey/extendFlags and, for one grid, by
// plugCat(grid): it follows the grid's events (loading, loaded, rendered, row, job, opened, closed) and adds its
// own methods to that grid; it never changes what the grid's methods do. HTML comes from cat.js.
import * as C from "./cat.js";
import { focusMerge } from "./conflict.js";
import { esc, h } from "./html.js";
import { extendFlags, registerBadge, registerKey, registerSection, targetOf } from "./render.js";

const P = {};  // the methods plugCat gives the grid
const SAVES = new Set(["save", "confirm", "restore"]);
let TAB = null;  // this tab's token, made on first use
const tab = () => TAB || (TAB = C.clientId(globalThis.sessionStorage));
const HEARTBEAT_GAP_MS = 500;

const st = (g) => g.catState || (g.catState = { view: null, others: [], offer: null, conc: null, replace: null, sent: "", timer: null, openSig: "" });
const marksOf = (g, lang) => ((st(g).view || {}).units || {})[lang] || {};
const commentsOf = (g, unit, lang) => ((st(g).view || {}).comments || []).filter((c) => c.unit === unit && c.lang === lang);
const langOf = (g) => (g.session ? g.session.lang : g.lang);
const ask = (g, name, args, ms) => g.transport.ask(name, args, ms).catch((e) => ({ ok: false, error: e.message }));
const hasDraft = (g, unit, lang) => !!g.core.drafts.get(g.article, unit, lang) || g.data.drafts.some((d) => d.unit === unit && d.lang === lang) ||
  !!(g.session && g.session.unit === unit && g.session.lang === lang && g.session.dirty);

// ------------------------------------------------------------------ the marks of the article
async function loadMarks(g) {
  const article = g.article;
  const r = await ask(g, "cat_view", { article_id: article, author: g.core.author() }, 30000);
  if (!r.ok || g.article !== article || !g.data) return;
  st(g).view = r;
  redrawCells(g);
  drawBar(g);
  openFromHash(g);
}
function redrawCells(g) {
  for (const td of g.host.querySelectorAll("td.wb-cell:not(.wb-open)")) g.refreshCell(td.dataset.unit, td.dataset.lang);
}
// A link from the mentions list (?article=ID#wb=UNIT:LANG) opens that unit.
function openFromHash(g) {
  const m = /^#wb=([^&]+)$/.exec(window.location ? window.location.hash : "");
  if (!m) return;
  const [unit, lang] = (() => { const v = decodeURIComponent(m[1]), i = v.lastIndexOf(":"); return [v.slice(0, i), v.slice(i + 1)]; })();
  window.history.replaceState(null, "", window.location.pathname + window.location.search);
  if (g.rowEl(unit) && g.langs.includes(lang)) g.openUnit(unit, lang);
}

registerBadge((unit, lang, unitName, g) => {
  const s = g.catState;
  if (!s) return "";
  const mark = marksOf(g, lang)[unitName];
  return C.matchBadge(unit, mark) + C.dismissedBadge(mark) + C.commentBadge(commentsOf(g, unitName, lang)) +
    C.repeatBadge((s.view && s.view.repeats && s.view.repeats[unitName]) || 0) + C.presenceBadge(s.others, unitName, lang);
});

// ------------------------------------------------------------------ the line in the toolbar
function drawBar(g) {
  // In the toolbar's one line: who else is here and the propagation offer; in its More menu: the counts and
  // the panels (Find & replace, mentions, comment search), which also have keys.
  const line = g.host.querySelector(".wb-toolbar .wb-line"), menu = g.host.querySelector("#wb-more .wb-menu-body");
  if (!line || !menu || !g.data) return;
  const before = g.host.querySelector(".wb-toolbar").offsetHeight;
  let bar = menu.querySelector(".wb-cat-bar"), live = line.querySelector(".wb-cat-line");
  if (!bar) { bar = document.createElement("div"); bar.className = "wb-cat-bar"; menu.appendChild(bar); }
  if (!live) { live = document.createElement("span"); live.className = "wb-cat-line"; line.insertBefore(live, line.querySelector("#wb-message")); }
  const s = st(g), lang = langOf(g), counts = C.articleCounts(g.data, lang), open = g.session;
  const row = open && open.unit !== "summary" ? g.data.article.segments.find((x) => x.id === open.unit) : null;
  const here = C.presenceLine(s.others, (u) => g.numberOf(u), (l) => g.name(l));
  const offer = s.offer ? `<button data-cat='offer' title='Alt+P (Alt+Shift+P: in every article)'>Give row ${esc(s.offer.number)}'s text to ${s.offer.targets.map((t) => `#${esc(t.number)}`).join(", ")} (Alt+P)</button>` : "";
  const mentions = s.view ? s.view.mentions : 0;
  const put = (el, html) => { if (el.wbHtml !== html) { el.innerHTML = html; el.wbHtml = html; } };  // unchanged: untouched (focus, live region)
  put(live, `<span class='wb-presence' role='status' aria-live='polite' title='${esc(here)}'>${here ? `👥 ${esc(here)}` : ""}</span>${offer}` +
    (mentions ? ` <button data-cat='mentions-open' class='wb-mentions-new' title='comments that mention you'>@ ${esc(mentions)}</button>` : ""));
  put(bar, `<button data-cat='replace-open' title='Alt+R'>Find &amp; replace (Alt+R)</button>` +
    `<button data-cat='mentions-open' title='comments that mention you'>@ Mentions${mentions ? ` (${esc(mentions)})` : ""}</button>` +
    "<button data-cat='search-open'>Search comments</button>" +
    `<p class='wb-art-counts'>Article: Arabic ${esc(C.fmt(counts.source))} · ${esc(g.name(lang))} ${esc(C.fmt(counts.target))}</p>` +
    (row ? `<p class='wb-open-counts'>Open segment: Arabic ${esc(C.fmt(C.tally([row.source_text])))}</p>` : ""));
  g.toolbarHeight();
  if (g.host.querySelector(".wb-toolbar").offsetHeight !== before) g.keepOpenRowInView();
}

// ------------------------------------------------------------------ following the grid
function follow(g) {
  g.on("opened", () => tick(g));
  g.on("closed", () => tick(g));
  g.on("loading", ({ article }) => {
    if (article !== g.article) Object.assign(st(g), { view: null, offer: null, others: [], conc: null });
  });
  g.on("loaded", ({ article }) => { if (g.data && g.article === article && article) { loadMarks(g); heartbeat(g); } });
  g.on("rendered", () => drawBar(g));
  g.on("row", () => drawBar(g));
  g.on("job", ({ job, phase }) => {
    if (phase === "done" && SAVES.has(job.kind) && job.article === g.article && g.data && job.result && job.result.ok) saved(g, job);
  });
}

// A save went through: its marks follow (a new revision is no longer propagated, a changed text has no
// dismissal), and the rows with the same Arabic are offered its text.
function saved(g, job) {
  const r = job.result, mark = marksOf(g, job.lang)[job.unit];
  (st(g).own = st(g).own || new Set()).add(r.revision_id);
  if (mark && !r.unchanged) { mark.propagated = false; mark.fuzzy = null; if (job.kind !== "confirm") mark.dismissed = []; }
  if (job.unit === "summary") return;
  const text = (targetOf(g.data, job.unit, job.lang) || {}).text;
  const targets = C.repeatCandidates(g.data, marksOf(g, job.lang), job.unit, job.lang, text, (u) => hasDraft(g, u, job.lang));
  const s = st(g);
  s.offer = targets.length ? { article: job.article, unit: job.unit, lang: job.lang, number: g.numberOf(job.unit), revision_id: r.revision_id, text, targets } : null;
  if (s.offer) {
    const before = g.msg && g.msg.kind === "ok" ? `${g.msg.text} ` : "";
    g.say(`${before}${targets.length} other ${targets.length > 1 ? "rows have" : "row has"} the same Arabic (${targets.map((t) => `#${t.number}`).join(", ")}): Alt+P gives them this text.`, "ok");
  }
  drawBar(g);
}

// ------------------------------------------------------------------ propagation (Alt+P, Alt+Shift+P)
P.propagateOffer = async function (corpus) {
  const s = st(this), o = s.offer;
  if (!o || o.article !== this.article) return this.say("Nothing to propagate: save a segment that has repeated rows first.", "warn");
  let targets = o.targets.filter((t) => !hasDraft(this, t.unit, o.lang)).map((t) => [o.article, t.unit, t.revision_id]);
  if (corpus) {
    const r = await ask(this, "repetitions", { article_id: o.article, unit: o.unit, language: o.lang, corpus: true, author: this.core.author() }, 30000);
    if (!r.ok) return this.say(`Not propagated: ${r.error}`, "error");
    if (r.revision_id !== o.revision_id) return this.say(`Row ${o.number} changed since; save it again to propagate.`, "warn");
    targets = r.candidates.filter((c) => c.article_id !== o.article || !hasDraft(this, c.unit, o.lang)).map((c) => [c.article_id, c.unit, c.revision_id]);
    const elsewhere = new Set(targets.filter((t) => t[0] !== o.article).map((t) => t[0]));
    if (!targets.length) return this.say("No row with the same Arabic is open to this text (a person's texts are never replaced).", "ok");
    if (!window.confirm(`Give row ${o.number}'s text to ${targets.length} rows with the same Arabic, ${elsewhere.size} other articles included? They become "edited", marked propagated; a person's text is never replaced.`)) return;
  }
  if (!targets.length) return this.say("Nothing to propagate.", "ok");
  this.say(`Giving row ${o.number}'s text to ${targets.length} rows…`, "busy");
  const r = await ask(this, "propagate", { article_id: o.article, unit: o.unit, language: o.lang, revision_id: o.revision_id, targets,
    author: this.core.author() }, 60000);
  if (!r.ok) return this.say(`Not propagated: ${r.error}`, "error");
  s.offer = null;
  const here = r.given.filter((x) => x.article_id === o.article).map((x) => `#${x.number}`), away = r.given.length - here.length;
  const skipped = r.skipped.length ? ` Left alone: ${r.skipped.length} (${r.skipped[0].why}${r.skipped.length > 1 ? ", …" : ""}).` : "";
  await this.load(this.article);
  this.say(`Row ${o.number}'s text given to ${here.join(", ") || "no row here"}${away ? ` and ${away} rows in other articles` : ""} (edited, marked ⇉ propagated; confirm each in context).${skipped}`, r.given.length ? "ok" : "warn");
  if (away) this.trigger("saved");
};

// ------------------------------------------------------------------ presence (a heartbeat every 1.5 s)
function heartbeat(g) {
  const s = st(g);
  clearTimeout(s.timer);
  if (!g.article || !g.data) return;
  const open = g.session && g.session.article === g.article ? g.session : null, article = g.article;
  s.sent = `${article}|${open ? open.unit : ""}|${langOf(g)}`; s.at = Date.now();
  ask(g, "presence", { article_id: article, client: tab(), editing: open ? open.unit : "", language: open ? open.lang : langOf(g),
    author: g.core.author() }, 8000).then((r) => {
    if (r.ok && g.article === article) {
      // only the cells whose editors changed are drawn again (a beat comes every 1.5 s)
      const editors = (list) => list.filter((o) => o.editing).reduce((m, o) => m.set(`${o.unit}|${o.lang}`, `${m.get(`${o.unit}|${o.lang}`) || ""}${o.author},`), new Map());
      const before = editors(s.others), after = editors(r.others);
      s.others = r.others;
      for (const k of new Set([...before.keys(), ...after.keys()])) {
        if (before.get(k) !== after.get(k)) { const [u, l] = k.split("|"); g.refreshCell(u, l); }
      }
      drawBar(g);
    }
    s.timer = setTimeout(() => heartbeat(g), ((r.ok && r.heartbeat_s) || 10) * 1000);
  });
}
P.heartbeat = function () { heartbeat(this); };
// The page is going away: the others stop seeing it at once (not after the beats stop for the server's TTL).
P.leavePresence = function () { clearTimeout(st(this).timer); this.keepalive("leave_page", { client: tab() }); };

// ------------------------------------------------------------------ live: colleagues' comments, mentions, saves
// Every LIVE_MS the page asks the `changes` operation (operations_cat.py) what the article holds now.
const LIVE_MS = 2000;
const newestShown = (d) => Math.max(0, ...d.article.segments.flatMap((x) => Object.values(x.targets || {}).map((t) => (t && t.revision_id) || 0)),
  ...Object.values(d.article.summaries || {}).map((t) => (t && t.revision_id) || 0));
async function live(g) {
  const s = st(g), article = g.article, server = g.server;
  if (!g.data || !article || !s.view || !server) return;
  let r;
  try { r = await ask(g, "changes", { article_id: article, author: g.core.author() }, 8000); } catch (_) { return; }
  if (!r || !r.ok || g.article !== article || !g.data || !s.view) return;
  liveComments(g, r);
  const statusMoved = Object.keys(r.status).some((l) => g.data.article.status[l] !== undefined && g.data.article.status[l] !== r.status[l]);
  const saved = r.revision > (s.liveRevision || 0) && r.revision > newestShown(g.data) && !(s.own || new Set()).has(r.revision);
  s.liveRevision = Math.max(s.liveRevision || 0, r.revision);
  const a = document.activeElement, calm = !a || a === document.body || a === g.box || !g.el.contains(a) || a.matches("td.wb-cell");
  if ((saved || statusMoved) && calm && !g.core.queue.unsent().length) { await g.load(article); g.trigger("saved"); refocusConflict(g); }
}
// A save answered with a conflict while the article reloaded: the redraw took the focus from its "Edit a merge".
function refocusConflict(g) {
  const a = document.activeElement;
  if (a && a !== document.body && document.contains(a)) return;
  for (const c of g.core.conflicts.values()) if (c.job.article === g.article && focusMerge(g, c.job)) return;
}
function liveComments(g, r) {
  const s = st(g), sig = (list) => JSON.stringify(list.map((c) => [c.id, c.resolved]));
  if (r.mentions !== s.view.mentions) { s.view.mentions = r.mentions; drawBar(g); }
  if (sig(r.comments) === sig(s.view.comments)) return;
  const key = (c) => `${c.unit}|${c.lang}`, before = new Map(), after = new Map();
  for (const c of s.view.comments) before.set(key(c), `${before.get(key(c)) || ""}${c.id}:${c.resolved},`);
  for (const c of r.comments) after.set(key(c), `${after.get(key(c)) || ""}${c.id}:${c.resolved},`);
  s.view.comments = r.comments;
  for (const k of new Set([...before.keys(), ...after.keys()])) {
    if (before.get(k) === after.get(k)) continue;
    const [u, l] = k.split("|");
    g.refreshCell(u, l);
    const open = g.session, list = open && open.unit === u && open.lang === l && g.host.querySelector("section[data-section=comments] .wb-comment-list");
    if (list) list.outerHTML = C.commentListHtml(commentsOf(g, u, l));
  }
}  // now, not at the next beat (the tests and a returning tab)

// Once a second and when the open unit changes: the counts follow it at once, the server hears of it within
// HEARTBEAT_GAP_MS (moving fast through segments sends one heartbeat per gap, not one per segment).
function tick(g) {
  const s = st(g), open = g.session;
  const sig = `${g.article}|${open ? open.unit : ""}|${langOf(g)}`;
  if (g.data && sig !== s.sent && Date.now() - (s.at || 0) > HEARTBEAT_GAP_MS) heartbeat(g);
  if (g.data && sig !== s.openSig) { s.openSig = sig; drawBar(g); }
}

// ------------------------------------------------------------------ details sections
// Flags and their dismissal are one list (render.js's flags section asks for these).
extendFlags({
  action: (flag) => (C.NOT_DISMISSABLE.includes(flag) ? "" : ` <button data-cat='dismiss-ask' data-flag='${esc(flag)}' aria-label='${esc(`Dismiss ${flag} as a false positive`)}'>Dismiss…</button>`),
  after: (d, g) => C.dismissedHtml((marksOf(g, d.lang)[d.unit] || {}).dismissed),
});
registerSection({ id: "comments", title: "Comments", order: 50, render(d, g) { return C.commentsHtml(commentsOf(g, d.unit, d.lang)); } });
registerSection({ id: "concordance", title: "Concordance (translation memory)", order: 34, render(d, g) {
  const s = st(g);
  return `<input id='wb-conc-q' type='search' maxlength='200' placeholder='A word or phrase in Arabic, English or Russian' aria-label='Search the translation memory' value='${esc(s.conc ? s.conc.query : "")}'>` +
    ` <button data-cat='conc' title='Alt+C searches the words selected in the editor'>Search</button><div id='wb-conc-out'>${C.concordanceHtml(s.conc)}</div>`;
} });

function redrawDetails(g) { const s = g.session, d = g.currentDetails(); if (s && d) g.fillDetails(s, d); }

// ------------------------------------------------------------------ actions
async function addComment(g) {
  const s = g.session, box = g.host.querySelector("#wb-comment-text");
  if (!s || !box || !box.value.trim()) return;
  const r = await ask(g, "add_comment", { article_id: g.article, unit: s.unit, language: s.lang, text: box.value, author: g.core.author() });
  if (!r.ok) return g.rowSay(`Comment not added: ${r.error}`, "error");
  setComments(g, s.unit, s.lang, r.comments);
  redrawDetails(g);
  g.backToEditor();  // the comment box was redrawn: the next keys go to the editor, not to the page body
  g.rowSay(`Comment added${r.comment.mentions.length ? ` (mentions: ${r.comment.mentions.map((m) => `@${m}`).join(", ")})` : ""}.`, "ok");
}
function setComments(g, unit, lang, comments) {
  const s = st(g);
  s.view = s.view || { units: {}, comments: [], repeats: {}, mentions: 0 };
  s.view.comments = s.view.comments.filter((c) => !(c.unit === unit && c.lang === lang)).concat(comments);
}
async function resolveComment(g, button) {
  const r = await ask(g, "resolve_comment", { article_id: g.article, comment_id: +button.dataset.id,
    resolved: button.dataset.resolved === "1", author: g.core.author() });
  if (!r.ok) return g.say(`Not changed: ${r.error}`, "error");
  setComments(g, r.comment.unit, r.comment.lang, r.comments);
  redrawDetails(g);
  g.refreshCell(r.comment.unit, r.comment.lang);
}

function askReason(g, button) {
  const li = button.closest("li"), flag = button.dataset.flag;
  button.replaceWith(h("input", { className: "wb-dismiss-reason", maxLength: 500, placeholder: "Why is it a false positive?",
                                   "aria-label": `reason to dismiss ${flag}` }),
                      " ", h("button", { "data-cat": "dismiss", "data-flag": flag }, "Dismiss"));
  li.querySelector(".wb-dismiss-reason").focus();
}
async function changeFlag(g, button, dismiss) {
  const s = g.session, flag = button.dataset.flag;
  if (!s) return;
  const input = button.closest("li") && button.closest("li").querySelector(".wb-dismiss-reason");
  const args = { article_id: g.article, unit: s.unit, language: s.lang, flag, author: g.core.author() };
  if (dismiss) args.reason = input ? input.value : "";
  const r = await ask(g, dismiss ? "dismiss_flag" : "restore_flag", args);
  if (!r.ok) return g.rowSay(`${dismiss ? "Not dismissed" : "Not restored"}: ${r.error}`, "error");
  g.updateRow({ unit: s.unit, lang: s.lang }, r);
  const unit = s.unit === "summary" ? r.row : r.row.targets[s.lang], flags = unit ? unit.flags : [];
  const marks = marksOf(g, s.lang);
  marks[s.unit] = { ...(marks[s.unit] || {}), dismissed: r.dismissed };
  const d = g.currentDetails();
  if (d) d.flags = flags;
  s.flags = flags; s.blocking = flags.filter((f) => g.data.blocking.includes(f));
  redrawDetails(g);
  g.backToEditor();
  g.rowSay(dismiss ? `${flag} dismissed (recorded with your reason); it no longer blocks approval.` : `${flag} counts again.`, "ok");
}

P.concordance = async function (query) {
  const s = st(this), q = (query || "").trim();
  const input = this.host.querySelector("#wb-conc-q");
  if (input && query !== undefined) input.value = q;
  if (q.length < 2) { if (input) input.focus(); return; }
  const r = await ask(this, "concordance", { query: q, languages: this.langs });
  s.conc = { ...r, query: q };
  const out = this.host.querySelector("#wb-conc-out");
  if (out) out.innerHTML = C.concordanceHtml(s.conc);
};
function concordanceKey(g) {
  const box = g.box, sel = box ? box.value.slice(box.selectionStart, box.selectionEnd) : "";
  if (sel.trim()) return g.concordance(sel);
  const input = g.host.querySelector("#wb-conc-q");
  if (input) input.focus();
}

// ------------------------------------------------------------------ the floating panel
function panel(g, title, html) {
  let p = g.el.querySelector("#wb-cat-panel");
  const from = document.activeElement;
  if (!p || p.hidden) g.panelReturn = from && from !== document.body && !(p && p.contains(from)) ? from : null;
  if (!p) { p = document.createElement("div"); p.id = "wb-cat-panel"; p.setAttribute("role", "dialog"); g.el.appendChild(p); }
  p.setAttribute("aria-label", title);
  p.hidden = false;
  p.innerHTML = `<div class='wb-panel-head'><h3>${esc(title)}</h3><button data-cat='panel-close' aria-label='Close'>×</button></div><div class='wb-panel-body'>${html}</div>`;
  return p;
}
function closePanel(g) {
  const p = g.el.querySelector("#wb-cat-panel");
  if (p) p.hidden = true;
  let back = g.box || (g.panelReturn && document.contains(g.panelReturn) ? g.panelReturn : g.host.querySelector("#wb-more summary"));
  if (back && !g.box && back.closest("details.wb-menu:not([open])")) back = back.closest("details.wb-menu").querySelector("summary");
  g.panelReturn = null;
  if (back) back.focus({ preventScroll: true });
}
P.openReplace = function () {
  const lang = langOf(this), r = st(this).replace, sel = this.box ? this.box.value.slice(this.box.selectionStart, this.box.selectionEnd) : "";
  const p = panel(this, `Find and replace · ${this.name(lang)}`,
    `<div class='wb-replace-form'><label>Find <input id='wb-find' maxlength='200' value='${esc(sel || (r ? r.find : ""))}'></label>` +
    `<label>Replace with <input id='wb-replace-with' maxlength='1000' value='${esc(r ? r.replacement : "")}'></label>` +
    `<label><input type='checkbox' id='wb-match-case'> Match case</label><label><input type='checkbox' id='wb-whole-word'> Whole words</label>` +
    `<button data-cat='replace-preview'>Preview</button></div><p class='wb-meta'>Plain text, never a pattern. Every change is shown before it is made.</p><div id='wb-replace-out'></div>`);
  p.querySelector("#wb-find").focus();
};
async function previewReplace(g) {
  const p = g.el.querySelector("#wb-cat-panel"), lang = langOf(g);
  const spec = { lang, find: p.querySelector("#wb-find").value, replacement: p.querySelector("#wb-replace-with").value,
                 match_case: p.querySelector("#wb-match-case").checked, whole_word: p.querySelector("#wb-whole-word").checked };
  const r = await ask(g, "replace_preview", { article_id: g.article, language: lang, find: spec.find, replacement: spec.replacement,
    match_case: spec.match_case, whole_word: spec.whole_word }, 30000);
  st(g).replace = { ...spec, result: r };
  const blocked = (unit) => (hasDraft(g, unit, lang) ? "you have unsaved text here: save or discard it first" : "");
  p.querySelector("#wb-replace-out").innerHTML = C.replacePreviewHtml(r, blocked);
}
async function moreReplace(g) {  // the next page of a long preview, added below the units shown (checks kept)
  const p = g.el.querySelector("#wb-cat-panel"), spec = st(g).replace;
  if (!spec || !spec.result.ok || !spec.result.more) return;
  const shown = spec.result.changes, unchecked = new Set([...p.querySelectorAll(".wb-pick-change:not(:checked)")].map((x) => x.dataset.i));
  const r = await ask(g, "replace_preview", { article_id: g.article, language: spec.lang, find: spec.find, replacement: spec.replacement,
    match_case: spec.match_case, whole_word: spec.whole_word, offset: shown.length }, 30000);
  if (!r.ok) return g.say(r.error, "error");
  spec.result = { ...r, changes: shown.concat(r.changes), offset: 0 };
  const blocked = (unit) => (hasDraft(g, unit, spec.lang) ? "you have unsaved text here: save or discard it first" : "");
  p.querySelector("#wb-replace-out").innerHTML = C.replacePreviewHtml(spec.result, blocked);
  p.querySelectorAll(".wb-pick-change").forEach((x) => { if (unchecked.has(x.dataset.i)) x.checked = false; });
}
async function applyReplace(g) {
  const p = g.el.querySelector("#wb-cat-panel"), spec = st(g).replace;
  if (!spec || !spec.result.ok) return;
  const picks = [...p.querySelectorAll(".wb-pick-change:checked")].map((x) => spec.result.changes[+x.dataset.i]).map((c) => [c.unit, c.revision_id]);
  if (!picks.length) return g.say("Check the units to change.", "warn");
  const r = await ask(g, "replace_apply", { article_id: g.article, language: spec.lang, find: spec.find, replacement: spec.replacement,
    match_case: spec.match_case, whole_word: spec.whole_word, picks, author: g.core.author() }, 60000);
  const out = p.querySelector("#wb-replace-out");
  if (!r.ok) { out.replaceChildren(h("p", { className: "wb-error" }, r.error)); return; }
  const name = (u) => (u.unit === "summary" ? "the summary" : `#${u.number || g.numberOf(u.unit)}`);
  const text = `Replaced in ${r.changed.length} units (${r.changed.map(name).join(", ") || "none"}), one revision each, state edited.` +
    (r.skipped.length ? ` Left alone: ${r.skipped.map((x) => `${name(x)}: ${x.why}`).join("; ")}.` : "");
  out.replaceChildren(h("p", { className: r.skipped.length ? "wb-warn" : "wb-ok" }, text));
  st(g).replace = null;
  await g.load(g.article);
  g.say(text, r.skipped.length ? "warn" : "ok");
  const find = p.querySelector("#wb-find");  // the next keys start a new search (the old one is selected)
  if (!p.hidden && find && !g.box) { find.focus(); find.select(); } else g.backToEditor();
}
async function openMentions(g) {
  const r = await ask(g, "mentions", { author: g.core.author(), include_resolved: false });
  panel(g, `Comments that mention you (${g.core.author()})`, r.ok ? `<p class='wb-meta'>Mentioned as ${r.handles.map((h) => `@${esc(h)}`).join(" or ")}.</p>${C.placedComments(r.comments, g.article)}` : `<p class='wb-error'>${esc(r.error)}</p>`);
}
function openSearch(g) {
  const p = panel(g, "Search comments", "<input id='wb-comment-q' type='search' maxlength='200' aria-label='Search comments' placeholder='Words in comments, or an author'> <button data-cat='search'>Search</button><div id='wb-comment-out'></div>");
  p.querySelector("#wb-comment-q").focus();
}
async function searchComments(g) {
  const p = g.el.querySelector("#wb-cat-panel"), q = p.querySelector("#wb-comment-q").value;
  const r = await ask(g, "search_comments", { query: q });
  const out = p.querySelector("#wb-comment-out");
  if (r.ok) out.innerHTML = C.placedComments(r.comments, g.article); else out.replaceChildren(h("p", { className: "wb-error" }, r.error));
}

const ACTIONS = {
  offer: (g) => g.propagateOffer(false), comment: addComment, resolve: resolveComment, "dismiss-ask": askReason,
  dismiss: (g, b) => changeFlag(g, b, true), "restore-flag": (g, b) => changeFlag(g, b, false),
  conc: (g) => g.concordance(g.host.querySelector("#wb-conc-q").value),
  "conc-insert": (g, b) => { const h = st(g).conc && st(g).conc.hits[+b.dataset.i]; if (h) g.insert(h.text); },
  "replace-open": (g) => g.openReplace(), "replace-preview": previewReplace, "replace-more": moreReplace, "replace-apply": applyReplace,
  "mentions-open": openMentions, "search-open": openSearch, search: searchComments, "panel-close": closePanel,
  goto: (g, b) => { closePanel(g); g.openUnit(b.dataset.unit, b.dataset.lang); },
};

function onKey(g, e) {
  const t = e.target, id = t.id;
  if (id === "wb-comment-text" && e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); return addComment(g); }
  if (e.key !== "Enter" && e.key !== "Escape") return;
  if (e.key === "Escape" && t.closest && t.closest("#wb-cat-panel")) { e.preventDefault(); return closePanel(g); }
  if (e.key === "Escape" && t.closest && t.closest("tr.wb-details") && g.box) { e.preventDefault(); return g.backToEditor(true); }
  if (e.key !== "Enter") return;
  const run = { "wb-conc-q": () => g.concordance(t.value), "wb-find": () => previewReplace(g), "wb-replace-with": () => previewReplace(g),
                "wb-comment-q": () => searchComments(g) }[id];
  if (run) { e.preventDefault(); return run(); }
  if (t.classList.contains("wb-dismiss-reason")) { e.preventDefault(); return changeFlag(g, t.parentElement.querySelector("[data-cat='dismiss']"), true); }
}

// The CAT editor on one grid: its methods, its events, its clicks and keys, the heartbeat and the live poll.
export function plugCat(g) {
  Object.assign(g, P);
  follow(g);
  g.el.addEventListener("click", (e) => {
    const b = e.target.closest && e.target.closest("[data-cat]");
    if (b && ACTIONS[b.dataset.cat]) { e.preventDefault(); ACTIONS[b.dataset.cat](g, b, e); }
  });
  g.el.addEventListener("keydown", (e) => onKey(g, e));
  setInterval(() => tick(g), 1000);
  setInterval(() => live(g), LIVE_MS);
  style();
}

// ------------------------------------------------------------------ keys
const key = (keys, help, when, match, run) => registerKey({ keys, help, when, match, run });
key("Alt+P / Alt+Shift+P", "give the text just saved to the rows with the same Arabic (Shift: in every article too)", "page",
    (e) => e.altKey && e.code === "KeyP", (g, e) => g.propagateOffer(e.shiftKey));
key("Alt+C", "concordance: search the translation memory for the words selected in the editor", "editor",
    (e) => e.altKey && !e.shiftKey && e.code === "KeyC", (g) => concordanceKey(g));
key("Alt+M", "write a comment on the open segment (@name mentions a reviewer)", "editor",
    (e) => e.altKey && e.code === "KeyM", (g) => { const b = g.host.querySelector("#wb-comment-text"); if (b) b.focus(); });
key("Alt+R", "find and replace in this article and language (preview first)", "page",
    (e) => e.altKey && e.code === "KeyR", (g) => g.openReplace());

// ------------------------------------------------------------------ styles
function style() {
  if (document.getElementById("wb-cat-style")) return;
  const el = document.createElement("style");
  el.id = "wb-cat-style";
  el.textContent = `
.wb-presence { color: #7c2d12; font-weight: 600; }
.wb-match, .wb-cmt, .wb-rep, .wb-dismissed, .wb-here { font-size: 12px; border-radius: 4px; padding: 0 4px; margin-left: 2px; white-space: nowrap; }
.wb-m-machine { background: #e5e7eb; color: #1f2937; } .wb-m-memory { background: #dbeafe; color: #1e3a8a; }
.wb-m-fuzzy { background: #ede9fe; color: #4c1d95; } .wb-m-human { background: #dcfce7; color: #14532d; }
.wb-m-propagated { background: #fef3c7; color: #78350f; } .wb-cmt { background: #f3f4f6; color: #374151; }
.wb-cmt-open { background: #fee2e2; color: #7f1d1d; } .wb-rep { background: #f1f5f9; color: #334155; }
.wb-dismissed { color: #374151; } .wb-here { background: #ffedd5; color: #7c2d12; font-weight: 600; }
.wb-comments { list-style: none; padding: 0; margin: 0 0 4px; } .wb-comment { margin: 2px 0; }
.wb-resolved { color: #4b5563; } .wb-comment-text { unicode-bidi: isolate; white-space: pre-wrap; }
#wb-comment-text, #wb-conc-q { width: 100%; box-sizing: border-box; }
.wb-conc mark, .wb-replace mark { background: #fde68a; color: inherit; }
#wb-cat-panel { position: fixed; bottom: 12px; right: 12px; width: min(720px, 94vw); max-height: min(60vh, 560px); overflow: auto; z-index: 20;
background: var(--background-fill-primary, #fff); border: 1px solid #6b7280; border-radius: 8px; box-shadow: 0 6px 24px rgba(0,0,0,.2); padding: 8px 12px; }
.wb-panel-head { display: flex; justify-content: space-between; align-items: center; } .wb-panel-head h3 { margin: 0; }
.wb-replace-form { display: flex; flex-wrap: wrap; gap: 6px 12px; align-items: center; }
.wb-replace { border-collapse: collapse; width: 100%; } .wb-replace td { border-top: 1px solid #e5e7eb; padding: 3px; vertical-align: top; }
`;
  document.head.appendChild(el);
}
