// What the editor's keys and buttons do: save and move on, move, re-translate, approve, insert (through the
// browser's undo stack), discard or put back a draft, restore a revision, compare, the key list.
import * as R from "./render.js";
import { diffNodes } from "./diff.js";
import { h } from "./html.js";

// The grid's methods (editor.js puts them on Grid.prototype with its own).
export const commands = {};
const P = commands;
const HUMAN = ["edited", "reviewed", "approved"];

// Ctrl+Enter (reviewed, next) or Ctrl+S (edited, stay). Everything up to the next editor having the focus
// is synchronous: keys pressed meanwhile go to the next editor, never to this one or to nowhere.
P.saveKey = function (reviewed, next, event) {
  const s = this.session;
  if (!s || !this.box) return;
  if (this.box.value !== s.text) this.core.input(this.box.value, s);
  const stale = !!(s.staleDraft || s.changedUnder);
  const d = this.core.commit({ reviewed, repeat: !!(event && event.repeat) });
  if (d.action === "ignored") {
    return this.rowSay(`Not saved: this segment opened ${Math.max(0, Math.round(d.ms))} ms ago. Read it, then press again.`, "warn");
  }
  if (d.action === "warn") {
    return this.rowSay(`Blocking flag: ${d.flags.join(", ")}. Check the text; press Ctrl+Enter again to confirm it anyway.`, "error");
  }
  if (d.action === "none") return;
  if (d.action === "queued") this.dropStoreDraft(s.unit, s.lang);
  // A save known to meet a newer text (a stale draft) stays in its row: the conflict view opens here with the
  // focus on "Edit a merge", so a reflexive key never lands in the next row's editor.
  if (d.action === "queued" && stale) return this.rowSay("Saving… someone saved this segment since you typed: both texts will be shown here.", "busy");
  if (!next) return this.rowSay(d.action === "unchanged" ? "Nothing changed." : "Saving…", d.action === "unchanged" ? "ok" : "busy");
  const after = this.neighbour(1, s.unit);
  if (after) this.openUnit(after, s.lang);
  else this.endOfArticle(s);
};

P.endOfArticle = function (s) {
  this.closeEditor();
  const left = R.units(this.data).filter((r) => !(r.targets[s.lang] || {}).reviewed && !this.core.queue.pendingSave(this.article, r.id, s.lang)).length;
  this.held = { key: s.key, until: Date.now() + 10000 };  // the save's answer is added to this message
  this.say(`End of article: that was the last segment. ${left ? `${left} ${this.name(s.lang)} segments still need review (Alt+N).` : `Every ${this.name(s.lang)} segment is reviewed or being saved.`}`, "ok");
  const td = this.cellEl(s.unit, s.lang);
  if (td) td.focus();
};

P.move = function (step) {
  const s = this.session;
  if (!s) return;
  const unit = this.neighbour(step, s.unit);
  if (unit) this.openUnit(unit, s.lang);
  else this.rowSay(step > 0 ? "End of article: this is the last segment." : "This is the first row.", "ok");
};

P.nextNeedingReview = function () {
  const lang = this.session ? this.session.lang : this.lang, rows = R.ordered(R.units(this.data), this.filter.order, lang, this);
  const at = this.session ? rows.findIndex((r) => r.id === this.session.unit) : -1;
  const pending = (r) => { const j = this.core.queue.pendingSave(this.article, r.id, lang); return j && (j.reviewed || j.kind === "confirm"); };
  const pick = [...rows.slice(at + 1), ...rows.slice(0, at + 1)].find((r) => r.targets[lang] && !r.targets[lang].reviewed && !pending(r));
  if (pick) { this.openUnit(pick.id, lang); return; }
  this.say(`Every ${this.name(lang)} segment is reviewed.`, "ok");
};

P.switchLanguage = function () {
  const s = this.session;
  if (!s) return;
  const langs = this.langs, next = langs[(langs.indexOf(s.lang) + 1) % langs.length];
  this.openUnit(s.unit, next);
};

// Insert through the browser's editing commands, so Ctrl+Z brings the previous text back.
P.insert = function (text, { all = false } = {}) {
  const box = this.box;
  if (!box || !text) return;
  this.remember("insert", true);  // Ctrl+Z brings back the text before it (the editor's own history)
  box.focus();
  if (all) box.select();
  const done = document.queryCommandSupported && document.queryCommandSupported("insertText") && document.execCommand("insertText", false, text);
  if (!done) {
    box.setRangeText(text, box.selectionStart, box.selectionEnd, "end");
    box.dispatchEvent(new InputEvent("input", { bubbles: true, inputType: "insertText", data: text }));
  }
};

P.useMatch = function (i) { const m = this.currentDetails() && this.currentDetails().matches[i]; if (m) this.insert(m.text, { all: true }); };
P.useTerm = function (i) { const d = this.currentDetails(), t = d && d.terms[i]; if (t && t.forms[0]) this.insert(t.forms[0]); };
P.copySource = function () { const d = this.currentDetails(); if (d && d.source) this.insert(d.source); };
P.currentDetails = function () { return this.session ? this.details.get(this.session.key) : null; };

P.discardDraft = function () {
  const s = this.session;
  if (!s || !this.box) return;
  this.core.drafts.trash(this.article, s.unit, s.lang, s.text, s.base, "you discarded the draft", Date.now());
  this.core.drafts.forget(this.article, s.unit, s.lang);
  this.core.queue.add({ kind: "discard", article: this.article, unit: s.unit, lang: s.lang, author: this.core.author() });
  this.dropStoreDraft(s.unit, s.lang);
  const t = R.targetOf(this.data, s.unit, s.lang);
  Object.assign(s, { restored: false, staleDraft: false, storeHasDraft: false, base: t ? t.revision_id : null });
  s.text = s.saved = t ? t.text : "";
  this.box.value = s.text; this.autosize();
  this.rowSay("", "ok", ["Draft discarded. ", h("button", { id: "wb-untrash" }, "Undo")]);
};

// Put set-aside text back in the editor, based on the revision it was typed on.
P.untrash = function () {
  const s = this.session, t = s && this.core.drafts.trashed(this.article, s.unit, s.lang);
  if (!t || !this.box) return;
  s.base = t.base ?? s.base; s.restored = true;
  this.insert(t.text, { all: true });
  this.core.drafts.untrash(this.article, s.unit, s.lang);
  this.rowSay(`Your text is back in the editor (typed on revision ${s.base ?? "none"}); saving it shows both texts if someone saved since.`, "warn");
};

P.retranslate = async function () {
  const s = this.session;
  if (!s) return;
  const t = R.targetOf(this.data, s.unit, s.lang), human = !!t && HUMAN.includes(t.state), unsaved = s.dirty;
  const asks = [human && "replace the person's text (it stays in the history)", unsaved && "set your unsaved text aside (Set aside → Put it back)"].filter(Boolean);
  if (asks.length && !window.confirm(`Re-translate this ${s.unit === "summary" ? "summary" : "segment"}? It will ${asks.join(" and ")}.`)) return;
  this.rowSay("Working…", "busy");
  await this.core.queue.settled(s.article, s.unit, s.lang);
  let r;
  try { r = await this.transport.ask("retranslate_unit", { article_id: s.article, unit: s.unit, language: s.lang, replace_edited: human }, 300000); }
  catch (e) { return this.rowSay(`Not re-translated: ${e.message}. Your text is kept.`, "error"); }
  if (!r.ok) return this.rowSay(`Not re-translated: ${r.error}`, "error");
  if (unsaved) this.core.drafts.trash(s.article, s.unit, s.lang, s.text, s.base, "re-translated", Date.now());
  this.core.drafts.forget(s.article, s.unit, s.lang);
  if (s.storeHasDraft || this.data.drafts.some((x) => x.unit === s.unit && x.lang === s.lang)) {
    this.core.queue.add({ kind: "discard", article: s.article, unit: s.unit, lang: s.lang, author: this.core.author() });
    this.dropStoreDraft(s.unit, s.lang);
  }
  s.text = s.saved; s.restored = false;
  this.invalidate(s.unit);
  await this.refreshUnit(s.unit, s.lang);
  this.rowSay(`${r.message}${unsaved ? " Your unsaved text is set aside (Set aside → Put it back)." : ""}`, r.replaced ? "ok" : "warn");
  this.trigger("saved");
};

P.restore = function (rev) {
  const s = this.session;
  if (!s) return;
  if (s.dirty && !window.confirm(`Restore revision ${rev}? Your unsaved text is set aside (Set aside → Put it back).`)) return;
  if (s.dirty) this.core.drafts.trash(s.article, s.unit, s.lang, s.text, s.base, "you restored an older revision", Date.now());
  s.text = s.saved; s.restored = false;
  this.core.drafts.forget(s.article, s.unit, s.lang);
  this.core.enqueue({ kind: "restore", article: s.article, unit: s.unit, lang: s.lang, revision: rev, base: s.base, after: s.after, number: s.number });
  this.rowSay(`Restoring revision ${rev}…`, "busy");
};

P.compare = function () {
  const d = this.currentDetails();
  const picked = [...this.host.querySelectorAll(".wb-pick:checked")].map((x) => +x.value).sort((a, b) => a - b);
  if (!d || picked.length !== 2) return this.say("Check two revisions to compare.", "warn");
  const text = (id) => d.history.find((h) => h.id === id).text;
  const out = this.host.querySelector("#wb-compare-out");
  if (!out) return;
  out.replaceChildren(h("p", {}, `#${picked[0]} → #${picked[1]}`),
                      h("div", { className: "diff" }, ...diffNodes(document, text(picked[0]), text(picked[1]))));
};

P.compareDraft = function () {
  const s = this.session, t = s && R.targetOf(this.data, s.unit, s.lang);
  if (!s || !t) return;
  this.rowSay("", "warn", ["Saved text → your draft: ", h("span", { className: "diff" }, ...diffNodes(document, t.text, s.text)), " ",
                          h("button", { id: "wb-discard" }, "Discard draft")]);
};

P.approve = async function (lang, override = "") {
  let r;
  const [source, revision] = R.seenForApproval(this.data, lang);  // an approval is of what this page shows
  try { r = await this.transport.ask("approve", { article_id: this.article, language: lang, author: this.core.author(), override,
    seen_source: source, seen_revision: revision }, 30000); }
  catch (e) { return this.say(`Not approved: ${e.message}`, "error"); }
  if (!r.ok && r.stale) return this.say(r.error, "error");  // no override: reload and read the change first
  if (r.ok) {
    this.say(`${this.name(lang)} approved${override ? " with an override (the reason is recorded)" : ""}.`, "ok");
    this.trigger("saved");
    await this.load(this.article);
    return this.focusApprove(lang);
  }
  if (override) return this.say(r.error, "error");
  const reason = window.prompt(`${r.error}\n\nApprove anyway? Give a reason (recorded):`, "");
  if (reason && reason.trim()) { this.say("Approving with an override…", "busy"); return this.approve(lang, reason.trim()); }
  this.say(r.error, "error");
  this.focusApprove(lang);
};
// After an approval (the page is drawn again): the editor if one is open, else that language's Approve button.
P.focusApprove = function (lang) {
  const b = this.host.querySelector(`.wb-approve[data-lang='${CSS.escape(lang)}']`);
  if (this.box) this.box.focus({ preventScroll: true }); else if (b) b.focus({ preventScroll: true });
};

P.toggleHelp = function (show) {
  const h = this.host.querySelector("#wb-help");
  if (!h) return;
  if (show) { this.helpReturn = document.activeElement; h.hidden = false; h.querySelector("#wb-help-close").focus(); return; }
  h.hidden = true;
  const back = this.helpReturn && document.contains(this.helpReturn) ? this.helpReturn : this.box || this.host.querySelector("td.wb-cell");
  if (back) back.focus();
  this.helpReturn = null;
};
