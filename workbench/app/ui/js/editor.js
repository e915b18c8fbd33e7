// The grid in the page: renders the article, opens a cell as the editor where it stands, and maps keys and
// clicks to the state machine in state.js. Opening the next editor is synchronous (from the article view
// already on the page), so keys typed right after a save press land in it; the details (memory, glossary,
// history) follow from the server. A save's answer updates its own row and the counts, not the article.
import { EditorCore, keyOf } from "./state.js";
import { reviewerName } from "./transport.js";
import * as R from "./render.js";
import { esc, h } from "./html.js";
import { fillConflictDiff, showConflict } from "./conflict.js";
import { fillDiffSlots } from "./diff.js";
import { bindEvents, history } from "./keys.js";
import { commands } from "./commands.js";


export class Grid {
  constructor({ element, transport, trigger }) {
    this.el = element; this.transport = transport; this.trigger = trigger || (() => {});
    this.timers = { set: (f, ms) => setTimeout(f, ms), clear: (id) => clearTimeout(id) };
    this.core = new EditorCore({ transport, storage: localStorage, timers: this.timers,
                                    author: () => reviewerName(document, localStorage), onEvent: (e) => this.onCore(e) });
    this.article = ""; this.data = null; this.lang = null; this.session = null; this.box = null; this.msg = null;
    this.filter = { q: "", state: "all", flag: "all", order: R.defaultOrder() };  // with ledger.js: riskiest first
    this.details = new Map(); this.loads = 0; this.helpReturn = null;
    this.listeners = new Map();
    bindEvents(this);
  }
  // Plug-ins follow the grid through its events (cat_grid.js): "loading" and "loaded" {article} around a load,
  // "rendered" after the whole grid is drawn, "row" {job, result} after a save's answer updated its row, "job"
  // (the queue's report, after the grid handled it), "opened" (session or null) and "closed" (the session left).
  on(type, fn) { this.listeners.set(type, [...(this.listeners.get(type) || []), fn]); }
  emit(type, detail) { for (const fn of this.listeners.get(type) || []) fn(detail); }

  get host() { return this.el.querySelector("#review-grid") || this.el; }
  get langs() { return R.langsOf(this.data); }
  name(lang) { return R.langName(this.data, lang); }
  where(job) { return `${job.unit === "summary" ? "Summary" : `Row ${job.number || this.numberOf(job.unit)}`} (${this.name(job.lang)})`; }
  numberOf(unit) { const r = this.rowEl(unit); return r ? +r.dataset.n : 0; }
  rowEl(unit) { return this.host.querySelector(`tr[data-seg='${CSS.escape(unit)}']`); }
  cellEl(unit, lang) { const r = this.rowEl(unit); return r && r.querySelector(`td.wb-cell[data-lang='${CSS.escape(lang)}']`); }

  // ---------------------------------------------------------------- messages where the eye is
  say(text, kind = "ok") {
    this.msg = { text, kind };
    const box = this.host.querySelector("#wb-message");
    if (box) { box.className = `wb-note wb-${kind}`; box.textContent = text; box.title = text; }
  }
  rowSay(text, kind = "ok", html = null) {
    const box = this.host.querySelector("#wb-row-message");
    if (box) { box.className = `wb-note wb-${kind}`; if (Array.isArray(html)) box.replaceChildren(...html); else if (html) box.innerHTML = html; else box.textContent = text; }
  }

  // ---------------------------------------------------------------- loading an article
  async load(article) {
    this.emit("loading", { article });
    await this.fetchArticle(article);
    this.emit("loaded", { article });
  }
  async fetchArticle(article) {
    const token = ++this.loads, changed = article !== this.article;
    if (changed) { this.closeEditor(); this.msg = null; this.data = null; }
    this.details.clear();
    this.article = article;
    if (!article) { this.host.replaceChildren(); return; }
    if (!this.data) this.host.replaceChildren(h("p", { className: "wb-meta" }, "Loading the article…"));
    let r;
    try { r = await this.transport.ask("review_view", { article_id: article, author: this.core.author() }, 30000); }
    catch (e) { this.host.replaceChildren(h("p", { className: "wb-error" }, `Could not load the article: ${e.message}. It loads again when you pick it.`)); return; }
    if (token !== this.loads) return;
    if (!r.ok) { this.host.replaceChildren(h("p", { className: "wb-error" }, r.error)); return; }
    this.data = r;
    if (!this.lang || !this.langs.includes(this.lang)) this.lang = this.langs[0];
    this.render();
    this.syncDrafts();
    if (changed) this.showArticle();
  }

  // The whole grid, again. An open editor is put back with its focus and cursor (Gradio may have emptied the
  // component just before: then the focus fell to the page body and goes back to the editor).
  render() {
    this.draw();
    if (this.data) this.emit("rendered");
  }
  draw() {
    const s = this.session, box = this.box;
    const focused = !!box && (document.activeElement === box || (!document.contains(box) && document.activeElement === document.body));
    const sel = box ? [box.selectionStart, box.selectionEnd] : null;
    this.host.innerHTML = R.page(this);
    this.fillConflicts();
    this.toolbarHeight();
    if (!s) return;
    this.mountEditor(s, { focus: focused, scroll: false });
    if (focused && sel && this.box) this.box.setSelectionRange(sel[0], sel[1]);
  }

  // Local drafts the store lacks (typed while it was down, or just before a tab closed) go to the store.
  syncDrafts() {
    for (const d of this.core.drafts.list(this.article)) {
      const stored = this.data.drafts.find((x) => x.unit === d.unit && x.lang === d.lang);
      const unit = R.targetOf(this.data, d.unit, d.lang);
      if (!stored && unit && unit.text === d.text) { this.core.drafts.forget(this.article, d.unit, d.lang); continue; }
      if (!stored || stored.text !== d.text) {
        this.core.queue.add({ kind: "draft", article: this.article, unit: d.unit, lang: d.lang, text: d.text, base: d.base ?? null, author: this.core.author() });
      }
    }
  }

  // On a phone the grid is far below the list: picking an article takes the reader to it.
  showArticle() {
    const top = this.el.getBoundingClientRect().top;
    if (top > innerHeight * 0.6 || top < -10) (document.querySelector("#article-header") || this.el).scrollIntoView({ block: "start" });
  }

  toolbarHeight() {
    const bar = this.host.querySelector(".wb-toolbar");
    if (bar) this.host.style.setProperty("--wb-bar-h", `${bar.offsetHeight}px`);
  }

  // The open editor's unsaved text, sent to the store as a draft by a keepalive request (the page is going away:
  // the save queue would not live to send it). The same server function as every call of the page
  // (`/gradio_api/component_server`, a same-origin JSON POST, which the server's cross-site guard lets through).
  // True when there was unsaved text.
  draftOnLeave() {
    const s = this.session, box = this.box;
    if (!s || !box) return false;
    if (box.value !== s.text) this.core.input(box.value, s);
    if (!s.dirty) return false;
    const sig = `${s.key}|${s.text}`;
    if (this.leftWith === sig) return true;  // beforeunload and pagehide: one request
    this.leftWith = sig;
    this.keepalive("save_draft", { article_id: s.article, unit: s.unit, language: s.lang, text: s.text,
                                   base_revision_id: s.base ?? null, author: this.core.author() });
    return true;
  }

  // One operation sent as the page goes away: a keepalive request outlives the page (the save queue would not).
  keepalive(name, args) {
    const cfg = window.gradio_config || {}, host = (cfg.components || []).find((c) => c.props && c.props.elem_id === "grid-host");
    const base = String(cfg.root || location.origin).replace(/\/$/, "");
    const body = { data: [name, args], component_id: host ? host.id : null, session_hash: `leave-${Date.now()}`,
                   fn_name: "operation" };
    try {
      fetch(`${base}/gradio_api/component_server`, { method: "POST", keepalive: true, credentials: "same-origin",
                                                     headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) }).catch(() => {});
    } catch (_) { /* a page already gone: a draft stays in this browser, presence ends by itself */ }
  }

  // ---------------------------------------------------------------- rows
  visibleUnits() {
    const current = this.session && this.session.unit;
    const rows = R.ordered(R.units(this.data), this.filter.order, this.lang, this)
      .filter((r) => r.id === current || R.visible(r, this.filter, this.lang, this.data));
    return ["summary", ...rows.map((r) => r.id)];
  }
  neighbour(step, unit) {
    const list = this.visibleUnits(), at = list.indexOf(unit);
    const next = at + step;
    return at < 0 ? list[0] : next >= 0 && next < list.length ? list[next] : null;
  }
  applyFilter() {
    const current = this.session && this.session.unit;
    for (const r of R.units(this.data)) {
      const tr = this.rowEl(r.id);
      if (tr) tr.hidden = r.id !== current && !R.visible(r, this.filter, this.lang, this.data);
    }
  }
  rebuildRows() {
    const s = this.session;
    const table = this.host.querySelector("table.wb-grid");
    if (table) table.outerHTML = R.tableHtml(this);
    this.fillConflicts();
    if (s) this.mountEditor(s, { focus: false, scroll: false });
  }
  // Re-draw one closed cell (the open editor's cell is never redrawn under the reviewer's hands).
  refreshCell(unit, lang) {
    const s = this.session;
    if (s && s.unit === unit && s.lang === lang && this.box) {
      const note = this.core.notes.get(s.key);
      if (note) this.rowSay(note.text, note.kind);
      return;
    }
    const td = this.cellEl(unit, lang);
    if (!td) return;
    // the cell or a button in it (a conflict's "Edit a merge" while presence updates arrive): keep the place
    const active = document.activeElement, focused = td.contains(active);
    const controls = (el) => [...el.querySelectorAll("button, input, textarea, select, a[href]")];
    const at = focused && active !== td ? controls(td).indexOf(active) : -1, tag = focused ? active.tagName : "";
    td.outerHTML = R.cell(this, unit, lang, unit === "summary" ? 0 : this.numberOf(unit));
    const conflict = this.core.conflicts.get(keyOf(this.article, unit, lang));
    if (conflict) fillConflictDiff(this.cellEl(unit, lang), conflict);
    this.emit("cell", { unit, lang });  // the event "cell": one closed cell was drawn again (claims.js marks it)
    if (this.box) this.keepOpenRowInView();  // a row above grew or shrank: the open one stays out from under the header
    if (!focused) return;
    const fresh = this.cellEl(unit, lang), same = at >= 0 ? controls(fresh)[at] : null;
    (same && same.tagName === tag ? same : fresh).focus({ preventScroll: true });
  }
  // The word diffs of the conflicts shown (computed here, in the browser).
  fillConflicts() {
    for (const c of this.core.conflicts.values()) {
      if (c.job.article === this.article) fillConflictDiff(this.cellEl(c.job.unit, c.job.lang), c);
    }
  }
  // After an action whose control was redrawn (a comment, a dismissal, Esc in a box of the panel): the focus
  // goes back to the open editor (always: `force`) or, with none open, stays where it is unless it fell to the
  // page body; never nowhere.
  backToEditor(force = false) {
    const a = document.activeElement, lost = !a || a === document.body || !document.contains(a);
    if (this.box && (force || lost)) this.box.focus({ preventScroll: true });
    else if (lost) { const td = this.host.querySelector("td.wb-cell"); if (td) td.focus({ preventScroll: true }); }
  }
  // A save's answer: its row (every language: a pivot's flags may change), the counts, the status.
  updateRow(job, r) {
    const d = this.data;
    if (r.counts) d.counts = r.counts;
    if (r.approval) d.approval = r.approval;
    const statusChanged = r.status && JSON.stringify(r.status) !== JSON.stringify(d.article.status);
    if (r.status) d.article.status = r.status;
    // an override is of an approval (the API reports none for a language no longer approved): a later save that
    // returned the language to review drops "(override …)" at once, as a reload would
    for (const l of Object.keys(d.article.status_override || {})) if (d.article.status[l] !== "approved") d.article.status_override[l] = null;
    if (r.row) {
      if (job.unit === "summary") d.article.summaries[job.lang] = r.row;
      else { const i = d.article.segments.findIndex((x) => x.id === job.unit); if (i >= 0) d.article.segments[i] = r.row; }
    }
    for (const l of this.langs) this.refreshCell(job.unit, l);
    const counts = this.host.querySelector(".wb-counts");
    if (counts) counts.innerHTML = R.counts(this);
    if (statusChanged) this.trigger("saved");  // the article list shows statuses
    this.emit("row", { job, result: r });
  }
  patchTarget(unit, lang, fields) {
    const d = this.data;
    let t = R.targetOf(d, unit, lang);
    if (!t) {
      t = { text: "", revision_id: null, state: "untranslated", flags: [], qa: [], confidence: null, reviewed: false };
      if (unit === "summary") d.article.summaries[lang] = t;
      else { const seg = d.article.segments.find((x) => x.id === unit); if (seg) seg.targets[lang] = t; }
    }
    Object.assign(t, fields);
    if (fields.state) t.reviewed = ["reviewed", "approved"].includes(fields.state);
    return t;
  }
  dropStoreDraft(unit, lang) { this.data.drafts = this.data.drafts.filter((x) => !(x.unit === unit && x.lang === lang)); }

  // ---------------------------------------------------------------- the editor
  snapshot(unit, lang) {
    const t = R.targetOf(this.data, unit, lang);
    return { article: this.article, unit, lang, number: unit === "summary" ? 0 : this.numberOf(unit),
             text: t ? t.text : "", base: t ? t.revision_id : null, state: t ? t.state : "untranslated",
             flags: t ? t.flags : [], blocking: R.blockingOf(this.data, t),
             serverDraft: this.data.drafts.find((x) => x.unit === unit && x.lang === lang) || null };
  }

  // Open a unit's editor now, from the view on the page (no waiting for the server).
  openUnit(unit, lang, opts = {}) {
    const s = this.openNow(unit, lang, opts);
    this.emit("opened", s);
    return s;
  }
  openNow(unit, lang, opts) {
    if (!this.data || !this.rowEl(unit)) return null;
    this.closeEditor();
    this.held = null;
    const s = this.core.open(this.snapshot(unit, lang));
    if (opts.merge) Object.assign(s, { text: opts.merge.text, base: opts.merge.base, saved: opts.merge.saved, restored: true, staleDraft: false });
    if (lang !== this.lang) { this.lang = lang; const sel = this.host.querySelector("#wb-lang"); if (sel) sel.value = lang; this.applyFilter(); }
    this.session = s;
    this.mountEditor(s, { focus: opts.focus !== false, scroll: opts.scroll !== false, note: this.openNote(s) });
    if (opts.merge) { this.core.input(s.text, s); s.typed = false; }  // kept as a draft; still guarded
    this.prefetch(this.neighbour(1, unit), lang);
    return s;
  }

  openNote(s) {
    if (!s.restored) return null;
    const from = s.restoredFrom === "store" ? "from the store" : "from this browser";
    const stale = s.staleDraft ? ` <b>The saved text changed since you typed this:</b> saving shows both texts. <button id='wb-compare-draft'>Compare with the saved text</button>` : "";
    return { kind: "warn", html: `Draft restored (${from}).${stale} <button id='wb-discard'>Discard draft</button>` };
  }

  mountEditor(s, { focus = true, scroll = true, note = null } = {}) {
    const td = this.cellEl(s.unit, s.lang);
    if (!td) return;
    td.classList.add("wb-open");
    td.removeAttribute("tabindex");
    td.innerHTML = R.editorHtml(this, s, note || this.core.notes.get(s.key));
    const tr = td.closest("tr");
    tr.hidden = false;
    const old = this.host.querySelector("tr.wb-details");
    if (old) old.remove();
    tr.insertAdjacentHTML("afterend", `<tr class='wb-details' data-for='${esc(s.unit)}'>${R.detailsHtml(this, this.details.get(s.key))}</tr>`);
    fillDiffSlots(tr.nextElementSibling);
    this.box = td.querySelector("#wb-editor");
    this.box.wbSession = s;
    this.autosize();
    if (focus) { this.box.focus({ preventScroll: true }); this.box.setSelectionRange(this.box.value.length, this.box.value.length); }
    if (scroll) this.scrollTo(tr);
    else this.showDetails(tr);
    if (!this.details.has(s.key)) this.fetchDetails(s);
    else this.checkDetails(s, this.details.get(s.key));
  }

  // Close the editor (its text stays a draft); the cell shows the unit again.
  closeEditor() {
    this.core.leave();
    const was = this.session;
    this.session = null; this.box = null;
    const details = this.host.querySelector("tr.wb-details");
    if (details) details.remove();
    if (was && this.data) { this.refreshCell(was.unit, was.lang); const td = this.cellEl(was.unit, was.lang); if (td) td.tabIndex = 0; }
    if (this.data) this.emit("closed", was);
    return was;
  }

  // What covers the top of the window: the sticky toolbar and the sticky column header (none on a phone).
  cover() {
    const sticky = (el) => el && getComputedStyle(el).position === "sticky" && getComputedStyle(el).display !== "none";
    const bar = this.host.querySelector(".wb-toolbar"), head = this.host.querySelector(".wb-grid thead th");
    return (sticky(bar) ? bar.getBoundingClientRect().height : 0) + (sticky(head) ? head.getBoundingClientRect().height : 0);
  }
  // The open editor goes to the upper part of the window, just under the toolbar and the column header (its
  // number, its whole Arabic and the editor in view), with its details below it.
  scrollTo(tr, always = false) {
    const cover = this.cover(), top = tr.getBoundingClientRect().top;
    if (always || top < cover + 4 || top > cover + innerHeight * 0.25) window.scrollBy(0, top - cover - 8);
  }
  // An editor opened by a click where it stands: it moves up only if its details would be below the window.
  showDetails(tr) {
    const details = tr.nextElementSibling;  // its height once loaded: at most the panel's cap (34vh) and padding
    const bottom = details ? details.getBoundingClientRect().top + Math.min(360, innerHeight * 0.34) + 16 : 0;
    if (bottom > innerHeight) this.scrollTo(tr, true);
  }
  // The toolbar changed height (a message, a presence line): the open row stays out from under it.
  keepOpenRowInView() {
    const tr = this.box && this.box.closest("tr");
    if (tr && tr.getBoundingClientRect().top < this.cover() + 4) this.scrollTo(tr);
  }

  // The editor grows with its text up to a quarter of the window (then it scrolls), so its details stay in view.
  autosize() {
    const b = this.box;
    if (!b) return;
    b.style.height = "auto";
    b.style.height = `${Math.min(Math.max(b.scrollHeight + 2, 60), Math.max(120, innerHeight * 0.26))}px`;
  }

  // ---------------------------------------------------------------- details (flags, memory, glossary, history)
  fetchDetails(s) {
    const key = s.key;
    this.transport.ask("unit_details", { article_id: s.article, unit: s.unit, language: s.lang }).then((d) => {
      if (!d || !d.ok) { if (this.session === s) this.fillDetails(s, null, d ? d.error : "no answer"); return; }
      this.details.set(key, d);
      if (this.session === s) { this.fillDetails(s, d); this.checkDetails(s, d); }
    }, (e) => { if (this.session === s) this.fillDetails(s, null, e.message); });
  }
  prefetch(unit, lang) {
    if (!unit || this.details.has(keyOf(this.article, unit, lang))) return;
    const key = keyOf(this.article, unit, lang);
    this.transport.ask("unit_details", { article_id: this.article, unit, language: lang }).then((d) => { if (d && d.ok) this.details.set(key, d); }, () => {});
  }
  fillDetails(s, d, error) {
    const tr = this.host.querySelector("tr.wb-details");
    if (!tr) return;
    if (!d) {
      const why = h("p", { className: "wb-warn" }, `Details not loaded: ${error}. You can still edit and save.`);
      return tr.replaceChildren(h("td", { colSpan: 2 + this.langs.length }, why));
    }
    tr.innerHTML = R.detailsHtml(this, d);
    fillDiffSlots(tr);
  }
  // Someone saved since the page loaded: untouched text follows; typed text will meet a conflict view.
  checkDetails(s, d) {
    if (d.revision_id === s.base || s.after !== null || s.restored) return;
    if (!s.dirty) {
      Object.assign(s, { text: d.text, saved: d.text, base: d.revision_id, state: d.state, flags: d.flags,
                         blocking: d.blocking || d.flags.filter((f) => this.data.blocking.includes(f)) });
      if (this.box && this.box.wbSession === s) { this.box.value = d.text; this.autosize(); }
      this.patchTarget(s.unit, s.lang, { text: d.text, revision_id: d.revision_id, state: d.state, flags: d.flags });
      this.rowSay(`Updated: a newer text was saved meanwhile (revision ${d.revision_id}).`, "warn");
    } else {
      s.changedUnder = true;  // a save key then stays in this row (commands.js)
      this.rowSay("The saved text changed since this page loaded: saving shows both texts.", "warn");
    }
  }
  invalidate(unit) { for (const l of this.langs) this.details.delete(keyOf(this.article, unit, l)); }
  // Fresh text and state of one unit (after a re-translation, or taking their text).
  refreshUnit(unit, lang) {
    return this.transport.ask("unit_details", { article_id: this.article, unit, language: lang }).then((d) => {
      if (!d || !d.ok) return;
      this.details.set(keyOf(this.article, unit, lang), d);
      this.patchTarget(unit, lang, { text: d.text, revision_id: d.revision_id, state: d.state, flags: d.flags, qa: d.qa, confidence: d.confidence });
      const s = this.session;
      if (s && s.unit === unit && s.lang === lang) { if (!s.dirty) this.openUnit(unit, lang, { scroll: false }); }
      else this.refreshCell(unit, lang);
    }, () => {});
  }

  // ---------------------------------------------------------------- what the queue reports
  onCore(event) {
    this.report(event);
    this.emit("job", event);
  }
  report({ job, phase, note }) {
    if (job.article !== this.article || !this.data) {
      if (note && phase !== "queued" && phase !== "sending") this.say(`${job.article} · ${note.text}`, note.kind);
      return;
    }
    if (job.kind === "draft" || job.kind === "discard") return this.onDraftJob(job, phase, note);
    if (phase === "done") {
      this.dropStoreDraft(job.unit, job.lang);
      this.invalidate(job.unit);
      if (job.kind === "restore") this.restored(job);
      if (job.result.row) this.updateRow(job, job.result); else this.refreshCell(job.unit, job.lang);
    } else this.refreshCell(job.unit, job.lang);
    if (phase === "conflict") showConflict(this, job);
    if (note && phase !== "queued" && !(phase === "conflict" && this.msg && this.msg.kind === "error" && this.msg.text.startsWith(this.where(job)))) {
      const held = this.held && this.held.key === keyOf(job.article, job.unit, job.lang) && Date.now() < this.held.until && this.msg;
      if (held && phase === "sending") return;
      this.say(`${held ? `${held.text.split(" · ")[0]} · ` : ""}${this.where(job)}: ${note.text}`, held && note.kind === "ok" ? held.kind : note.kind);
    }
    if (phase === "done") this.timers.set(() => this.fadeNote(job), 6000);
  }
  onDraftJob(job, phase, note) {
    if (phase === "queued" && job.kind === "draft") {
      this.dropStoreDraft(job.unit, job.lang);
      this.data.drafts.push({ unit: job.unit, lang: job.lang, text: job.text, base_revision_id: job.base });
    }
    if (phase === "done" && job.kind === "discard") this.dropStoreDraft(job.unit, job.lang);
    if (phase === "failed" && note) this.say(`${this.where(job)}: ${note.text}`, note.kind);
  }
  fadeNote(job) {
    const key = keyOf(job.article, job.unit, job.lang), n = this.core.notes.get(key);
    if (n && n.kind === "ok" && !this.core.queue.pendingSave(job.article, job.unit, job.lang)) {
      this.core.note(key, "", ""); if (job.article === this.article) this.refreshCell(job.unit, job.lang);
    }
  }
  restored(job) {
    const s = this.session, r = job.result;
    if (s && s.unit === job.unit && s.lang === job.lang && !s.dirty && typeof r.text === "string") {
      s.text = s.saved = r.text;
      if (this.box) { this.box.value = r.text; this.autosize(); }
      this.rowSay(`Revision ${job.revision} restored as revision ${r.revision_id}; it is in the editor now.`, "ok");
    }
  }
}

// What the keys and buttons do (commands.js) and the editor's own undo history (keys.js).
Object.assign(Grid.prototype, commands, history);
