// The in-place review editor: every segment row shows Arabic | English | Russian, a clicked cell becomes the
// editor where it stands, and the keyboard does the rest. It talks to the app's named API endpoints
// (/review_view, /save_unit, ...: see app/review_api.py), the same ones gradio_client scripts use.
// Unsaved text is kept as a draft in this browser (localStorage) and in the store, and restored on return.
(() => {
  if (window.workbenchGrid) return;
  const LANGS = ["en", "ru"];
  const NAMES = { en: "English", ru: "Russian" };
  const KEYS = [
    ["Ctrl+Enter", "save as reviewed (or confirm unchanged text) and open the next segment"],
    ["Ctrl+S", "save without confirming (state: edited)"],
    ["Alt+↓ / Alt+↑", "next / previous segment (unsaved text is kept as a draft)"],
    ["Alt+N", "next segment needing review"],
    ["Alt+S", "copy the Arabic source into the editor"],
    ["Alt+1 … Alt+3", "use translation-memory match 1–3"],
    ["Alt+Shift+1 … 3", "insert glossary term 1–3 at the cursor"],
    ["Alt+L", "switch between English and Russian"],
    ["Alt+A", "approve this language of the article"],
    ["Esc", "close the editor (unsaved text is kept as a draft)"],
    ["?", "this help"],
  ];
  const S = { article: null, stamp: null, data: null, open: null, details: null, openedAt: 0, dirty: false,
              filter: { q: "", state: "all", flag: "all", order: "document" }, timers: {} };
  window.workbenchGrid = S;

  const esc = (t) => String(t ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
  const $ = (sel, el = document) => el.querySelector(sel);
  const reviewer = () => { const box = $("#reviewer textarea, #reviewer input"); return (box && box.value.trim()) || localStorage.getItem("workbench.reviewer") || "reviewer"; };
  const draftKey = (unit, lang) => `workbench.draft.${S.article}.${unit}.${lang}`;

  async function call(name, ...data) {
    const base = location.href.split(/[?#]/)[0].replace(/[^/]*$/, "");
    const start = await fetch(`${base}gradio_api/call/${name}`, { method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json" }, body: JSON.stringify({ data }) });
    if (!start.ok) throw new Error(`${name}: HTTP ${start.status}`);
    const { event_id } = await start.json();
    const stream = await (await fetch(`${base}gradio_api/call/${name}/${event_id}`, { credentials: "same-origin" })).text();
    const events = [...stream.matchAll(/event: (\w+)\ndata: (.*)/g)];
    const last = events[events.length - 1];
    if (!last || last[1] !== "complete") throw new Error(`${name} failed: ${last ? last[2] : "no answer"}`);
    return JSON.parse(last[2])[0];
  }

  // ------------------------------------------------------------------ feedback where the eye is
  // The last message shows in the sticky toolbar and beside the open editor, and survives re-rendering.
  function say(text, kind = "ok") {
    S.msg = { text, kind };
    for (const box of [$("#wb-message"), $("#wb-row-message")]) {
      if (box) { box.className = `wb-note wb-${kind}`; box.textContent = text; }
    }
  }

  // ------------------------------------------------------------------ loading and rendering
  async function load(keepOpen = true) {
    if (!S.article) return;
    const result = await call("review_view", S.article, reviewer());
    if (!result.ok) { say(result.error, "error"); return; }
    S.data = result;
    render();
    if (keepOpen && S.open) await openUnit(S.open.unit, S.open.lang, { keepText: true });
  }

  function units() {
    const rows = S.data.article.segments.filter((s) => s.kind !== "meta");
    return rows.map((s, i) => ({ ...s, number: i + 1 }));
  }

  function badge(unit) {
    if (!unit) return "<span class='wb-state wb-untranslated'>—</span>";
    const conf = unit.confidence ? ` <span class='wb-conf${unit.confidence.score < S.data.low_confidence ? " wb-low" : ""}' title='model confidence'>${Math.round(unit.confidence.score * 100)}%</span>` : "";
    const flags = unit.flags.length ? ` <span class='wb-flags' title='${esc(unit.flags.join(", "))}'>⚑${unit.flags.length}</span>` : "";
    return `<span class='wb-state wb-${unit.state}'>${unit.state}</span>${flags}${conf}`;
  }

  function hasDraft(unit, lang) {
    return localStorage.getItem(draftKey(unit, lang)) !== null || S.data.drafts.some((d) => d.unit === unit && d.lang === lang);
  }

  function cell(unitName, lang, unit) {
    const draft = hasDraft(unitName, lang) ? " <span class='wb-draft'>draft</span>" : "";
    return `<td class='wb-cell' data-unit='${esc(unitName)}' data-lang='${lang}' tabindex='0' lang='${lang}'>` +
      `<div class='wb-text'>${esc(unit ? unit.text : "")}</div><div class='wb-badges'>${badge(unit)}${draft}</div></td>`;
  }

  function visible(row) {
    const f = S.filter, q = f.q.trim().toLowerCase();
    if (q) {
      const hay = [row.source_text, ...LANGS.map((l) => row.targets[l] ? row.targets[l].text : "")].join("\n").toLowerCase();
      if (!hay.includes(q)) return false;
    }
    const targets = LANGS.map((l) => row.targets[l]).filter(Boolean);
    if (f.state !== "all" && !targets.some((u) => u.state === f.state)) return false;
    if (f.flag === "flagged" && !targets.some((u) => u.flags.length)) return false;
    if (f.flag === "blocking" && !targets.some((u) => u.flags.some((x) => S.data.blocking.includes(x)))) return false;
    if (f.flag !== "all" && f.flag !== "flagged" && f.flag !== "blocking" && !targets.some((u) => u.flags.includes(f.flag))) return false;
    return true;
  }

  function ordered(rows) {
    if (S.filter.order !== "review_first") return rows;
    const lang = S.open ? S.open.lang : "en";
    const key = (r) => { const u = r.targets[lang]; return [u && u.reviewed ? 1 : 0, u && u.flags.length ? 0 : 1, u && u.confidence ? u.confidence.score : 1, r.number]; };
    return [...rows].sort((a, b) => { const x = key(a), y = key(b); for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i] - y[i]; return 0; });
  }

  function toolbar() {
    const counts = LANGS.map((l) => {
      const c = S.data.counts[l], blockers = S.data.approval[l];
      const status = S.data.article.status[l];
      return `<span class='wb-count' data-lang='${l}'><b>${l}</b> ${esc(status)} · reviewed ${c.done}/${c.total}` +
        `${c.edited ? ` · edited ${c.edited}` : ""} <button class='wb-approve' data-lang='${l}' title='${esc(blockers.join("; ") || "ready to approve")}'>Approve ${l}</button></span>`;
    }).join("");
    const flags = ["all", "flagged", "blocking", ...Object.keys(S.data.flag_help)];
    const opt = (values, cur) => values.map((v) => `<option value='${esc(v)}'${v === cur ? " selected" : ""}>${esc(v)}</option>`).join("");
    return `<div class='wb-toolbar'>
      <input id='wb-search' type='search' placeholder='Search Arabic, English, Russian' value='${esc(S.filter.q)}' aria-label='Search segments'>
      <select id='wb-state' aria-label='State'>${opt(["all", "machine", "edited", "reviewed", "approved"], S.filter.state)}</select>
      <select id='wb-flag' aria-label='Flag'>${opt(flags, S.filter.flag)}</select>
      <select id='wb-order' aria-label='Order'>${opt(["document", "review_first"], S.filter.order)}</select>
      <button id='wb-next-review' title='Alt+N'>Next needing review</button>
      <button id='wb-help-button' title='?'>Keys (?)</button>
      <span id='wb-message' class='wb-note wb-${S.msg ? S.msg.kind : "ok"}' role='status' aria-live='polite'>${esc(S.msg ? S.msg.text : "")}</span>
    </div><div class='wb-counts'>${counts}</div>`;
  }

  function render() {
    const host = $("#review-grid");
    if (!host || !S.data) return;
    const a = S.data.article;
    const summaries = `<tr class='wb-summary' data-seg='summary'><td class='wb-num'>Σ</td><td class='wb-ar'><i>Summary of the article</i></td>` +
      LANGS.map((l) => cell("summary", l, a.summaries[l])).join("") + "</tr>";
    const rows = ordered(units().filter(visible)).map((r) =>
      `<tr data-seg='${esc(r.id)}'><td class='wb-num'>${r.number}${r.kind !== "body" ? `<br><small>${esc(r.kind)}</small>` : ""}</td>` +
      `<td class='wb-ar' dir='rtl' lang='ar'>${esc(r.source_text)}</td>` + LANGS.map((l) => cell(r.id, l, r.targets[l])).join("") + "</tr>").join("");
    const ro = S.data.read_only ? "<div class='wb-error'>Read-only: nothing can be saved here.</div>" : "";
    host.innerHTML = `${ro}${toolbar()}<table class='wb-grid'><thead><tr><th>#</th><th>Arabic</th><th>English</th><th>Russian</th></tr></thead>` +
      `<tbody>${summaries}${rows}</tbody></table><div id='wb-help' hidden>${help()}</div>`;
  }

  function help() {
    return `<div class='wb-help-box' role='dialog' aria-label='Keyboard shortcuts'><h3>Keys</h3><table>${KEYS.map(([k, v]) => `<tr><td><kbd>${esc(k)}</kbd></td><td>${esc(v)}</td></tr>`).join("")}</table>` +
      `<p>States: <b>machine</b> (untouched model output) · <b>edited</b> (changed, not confirmed) · <b>reviewed</b> (confirmed by a person) · <b>approved</b>.</p>` +
      `<p>${esc(S.data ? S.data.confidence_help : "")}</p><button id='wb-help-close'>Close</button></div>`;
  }

  // ------------------------------------------------------------------ the editor in the row
  function findRow(unit) { return document.querySelector(`#review-grid tr[data-seg='${CSS.escape(unit)}']`); }
  function unitOf(unit, lang) {
    if (unit === "summary") return S.data.article.summaries[lang];
    const seg = S.data.article.segments.find((s) => s.id === unit);
    return seg ? seg.targets[lang] : null;
  }

  async function storeDraft(force = false) {
    const box = $("#wb-editor");
    if (!S.open || !box || !S.dirty) return;
    const { unit, lang } = S.open;
    localStorage.setItem(draftKey(unit, lang), JSON.stringify({ text: box.value, base: S.details ? S.details.revision_id : null, at: Date.now() }));
    if (force || Date.now() - (S.timers.stored || 0) > 2500) {
      S.timers.stored = Date.now();
      const r = await call("save_draft", S.article, unit, lang, box.value, S.details ? S.details.revision_id : null, reviewer());
      if (!r.ok) say(`Draft kept in this browser only: ${r.error}`, "warn");
    }
  }

  async function leave() {
    if (S.open && S.dirty) { await storeDraft(true); say("Unsaved text kept as a draft.", "warn"); }
    S.dirty = false;
  }

  async function openUnit(unit, lang, opts = {}) {
    if (!opts.keepText && S.open && (S.open.unit !== unit || S.open.lang !== lang)) await leave();
    const previous = opts.keepText && $("#wb-editor") ? $("#wb-editor").value : null;
    S.open = { unit, lang };
    render();
    const row = findRow(unit);
    if (!row) return;
    const details = opts.details || await call("unit_details", S.article, unit, lang);
    if (!details.ok) { say(details.error, "error"); return; }
    S.details = details;
    if (!opts.keepText) { S.openedAt = Date.now(); S.dirty = false; }
    const td = row.querySelector(`td[data-lang='${lang}']`);
    const local = JSON.parse(localStorage.getItem(draftKey(unit, lang)) || "null");
    const stored = S.data.drafts.find((d) => d.unit === unit && d.lang === lang);
    const draft = local || (stored ? { text: stored.text, base: stored.base_revision_id } : null);
    let text = previous !== null && S.dirty ? previous : details.text, note = "";
    if (previous === null && draft && draft.text !== details.text) {
      text = draft.text; S.dirty = true;
      note = `Draft restored${draft.base !== details.revision_id ? " (the saved text changed since: compare before saving)" : ""}. <button id='wb-discard'>Discard draft</button>`;
    }
    td.classList.add("wb-open");
    td.innerHTML = `<textarea id='wb-editor' lang='${lang}' aria-label='${NAMES[lang] || lang} text' rows='3'>${esc(text)}</textarea>` +
      `<div class='wb-actions'><button id='wb-save' class='wb-primary' title='Ctrl+Enter'>Save as reviewed ⏎</button>` +
      `<button id='wb-save-edit' title='Ctrl+S'>Save (edited)</button><button id='wb-retranslate'>${unit === "summary" ? "Regenerate" : "Re-translate"}</button>` +
      `<span id='wb-row-message' class='wb-note wb-${S.msg ? S.msg.kind : "ok"}'>${note || esc(S.msg ? S.msg.text : "")}</span></div>`;
    row.insertAdjacentHTML("afterend", `<tr class='wb-details'><td colspan='4'>${detailsHtml(details)}</td></tr>`);
    const box = $("#wb-editor");
    autosize(box);
    box.focus();
    box.setSelectionRange(box.value.length, box.value.length);
    row.scrollIntoView({ block: "nearest" });
  }

  function detailsHtml(d) {
    const flagHelp = d.flags.map((f) => `<li><b>${esc(f)}</b>: ${esc(S.data.flag_help[f] || f)}${S.data.blocking.includes(f) ? " <i>(blocks approval)</i>" : ""}</li>`).join("") +
      d.qa.map((q) => `<li>${esc(q)}</li>`).join("");
    const conf = d.confidence ? `<p class='wb-conf-line'>Model confidence <b>${(d.confidence.score * 100).toFixed(1)}%</b> over ${d.confidence.tokens} tokens; least sure: ${d.confidence.low_tokens.map((t) => `<code>${esc(t.token)}</code>`).join(" ")}. <span title='${esc(S.data.confidence_help)}'>ⓘ</span></p>` : "";
    const matches = d.matches.map((m, i) => `<li><button class='wb-use' data-i='${i}' title='Alt+${i + 1}'>Use ${i + 1}</button> ${m.score}% · ${esc(m.text)}<div class='wb-ar' dir='rtl'>${m.source_diff_html}</div></li>`).join("");
    const terms = d.terms.map((t, i) => `<li><span dir='rtl' lang='ar'>${esc(t.ar)}</span> → ${t.forms.map((f) => `<button class='wb-term' data-form='${esc(f)}' title='Alt+Shift+${i + 1}'>${esc(f)}</button>`).join(" ")}${t.note ? ` <small>${esc(t.note)}</small>` : ""}</li>`).join("");
    const history = d.history.map((h) => `<li><label><input type='checkbox' class='wb-pick' value='${h.id}'> #${h.id}</label> ${esc(h.created)} · ${esc(h.author)} · ${esc(h.origin)}${h.reviewed ? " · reviewed" : ""} ` +
      `<button class='wb-restore' data-rev='${h.id}'>Restore</button><div class='wb-hist-text'>${esc(h.text)}</div></li>`).join("");
    const src = d.source ? `<button id='wb-copy-source' title='Alt+S'>Copy source</button>` : "";
    return `<div class='wb-detail-grid'>
      <section><h4>Flags</h4>${flagHelp ? `<ul>${flagHelp}</ul>` : "<p>None.</p>"}${conf}${src}</section>
      <section><h4>Memory</h4>${matches ? `<ol>${matches}</ol>` : "<p>No similar reviewed sentence.</p>"}<h4>Glossary</h4>${terms ? `<ol>${terms}</ol>` : "<p>No glossary term in this segment.</p>"}</section>
      <section><h4>Machine → current</h4><div class='diff'>${d.machine_diff_html}</div>
      <h4>History</h4><button id='wb-compare'>Compare two checked</button><div id='wb-compare-out'></div><ul class='wb-history'>${history}</ul></section></div>`;
  }

  function autosize(box) { box.style.height = "auto"; box.style.height = `${Math.max(box.scrollHeight, 60)}px`; }

  function forget(unit, lang) { localStorage.removeItem(draftKey(unit, lang)); }

  async function save(reviewed, next = true) {
    const box = $("#wb-editor");
    if (!S.open || !box || !S.details) return;
    const { unit, lang } = S.open, d = S.details, seconds = (Date.now() - S.openedAt) / 1000;
    say("Saving…", "busy");
    let r;
    if (reviewed && box.value === d.text && !S.dirty) r = await call("confirm_unit", S.article, unit, lang, d.revision_id, reviewer(), seconds);
    else r = await call("save_unit", S.article, unit, lang, box.value, d.revision_id, reviewer(), reviewed, seconds);
    if (r.conflict) return conflict(box.value, r);
    if (!r.ok) return say(`Not saved: ${r.error}`, "error");
    forget(unit, lang);
    S.dirty = false;
    refreshList();
    const target = next ? neighbour(1, unit) : unit;
    const details = call("unit_details", S.article, target, lang);  // fetched while the article reloads
    await load(false);
    say(`Saved as revision ${r.revision_id}${reviewed ? " (reviewed)" : " (edited)"}.`, "ok");
    await openUnit(target, lang, { details: await details });
  }

  async function conflict(mine, r) {
    const cmp = await call("compare", r.current_text, mine);
    const row = findRow(S.open.unit);
    const td = row.querySelector(`td[data-lang='${S.open.lang}']`);
    td.innerHTML = `<div class='wb-conflict' role='alert'><p><b>Not saved: ${esc(r.current_author || "someone")} saved this segment meanwhile (revision ${r.current_revision_id}).</b> Nothing is lost; choose:</p>` +
      `<div class='wb-two'><div><h4>Yours</h4><div class='wb-mine'>${esc(mine)}</div></div><div><h4>Theirs</h4><div class='wb-theirs'>${esc(r.current_text)}</div></div></div>` +
      `<h4>Their text → yours</h4><div class='diff'>${cmp.diff_html}</div>` +
      `<button id='wb-keep-mine' class='wb-primary'>Keep mine</button> <button id='wb-take-theirs'>Take theirs</button> <button id='wb-merge'>Edit a merge</button></div>`;
    S.conflict = { mine, theirs: r.current_text, rev: r.current_revision_id };
    localStorage.setItem(draftKey(S.open.unit, S.open.lang), JSON.stringify({ text: mine, base: r.current_revision_id, at: Date.now() }));
    $("#wb-keep-mine").focus();
  }

  async function resolve(choice) {
    const { unit, lang } = S.open, c = S.conflict;
    if (choice === "theirs") { forget(unit, lang); await call("discard_draft", S.article, unit, lang, reviewer()); S.dirty = false; await load(false); return openUnit(unit, lang, { keepText: false }); }
    if (choice === "mine") {
      const r = await call("save_unit", S.article, unit, lang, c.mine, c.rev, reviewer(), true, (Date.now() - S.openedAt) / 1000);
      if (r.conflict) return conflict(c.mine, r);
      if (!r.ok) return say(`Not saved: ${r.error}`, "error");
      forget(unit, lang); S.dirty = false; refreshList(); await load(false);
      say(`Your text saved on top of theirs (revision ${r.revision_id}).`, "ok");
      return openUnit(unit, lang);
    }
    await load(false); // merge: the editor opens on their revision with your text in it
    await openUnit(unit, lang);
    const box = $("#wb-editor");
    box.value = `${c.mine}\n\n${c.theirs}`; S.dirty = true; autosize(box);
    say("Merge both texts, then save (based on their revision).", "warn");
  }

  function neighbour(step, unit) {
    const rows = ["summary", ...ordered(units().filter(visible)).map((r) => r.id)];
    const at = rows.indexOf(unit);
    return rows[Math.min(rows.length - 1, Math.max(0, at + step))] || unit;
  }

  async function move(step, unit = S.open && S.open.unit, lang = S.open ? S.open.lang : "en") {
    return openUnit(neighbour(step, unit), lang);
  }

  async function nextNeedingReview() {
    const lang = S.open ? S.open.lang : "en";
    const rows = units();
    const at = S.open ? rows.findIndex((r) => r.id === S.open.unit) : -1;
    const pick = [...rows.slice(at + 1), ...rows.slice(0, at + 1)].find((r) => r.targets[lang] && !r.targets[lang].reviewed);
    if (pick) return openUnit(pick.id, lang);
    say(`Every ${NAMES[lang]} segment is reviewed.`, "ok");
  }

  async function retranslate() {
    const { unit, lang } = S.open, d = S.details;
    const human = ["edited", "reviewed", "approved"].includes(d.state);
    if (human && !window.confirm("Replace the person's text with new machine output? It stays in the history.")) return;
    say("Working…", "busy");
    const r = await call("retranslate_unit", S.article, unit, lang, human);
    if (!r.ok) return say(`Failed: ${r.error}`, "error");
    forget(unit, lang); S.dirty = false; refreshList();
    await load(false); await openUnit(unit, lang);
    say(r.message, "ok");
  }

  async function approve(lang, override = "") {
    const r = await call("approve", S.article, lang, reviewer(), override);
    if (r.ok) { refreshList(); await load(); return say(`${NAMES[lang]} approved.`, "ok"); }
    say(r.error, "error");
    const reason = window.prompt(`${r.error}\n\nApprove anyway? Give a reason (recorded):`, "");
    if (reason && reason.trim()) return approve(lang, reason.trim());
  }

  async function restore(rev) {
    const { unit, lang } = S.open;
    const r = await call("restore_unit", S.article, unit, lang, rev, S.details.revision_id, reviewer());
    if (r.conflict) return conflict($("#wb-editor").value, r);
    if (!r.ok) return say(`Not restored: ${r.error}`, "error");
    forget(unit, lang); S.dirty = false; refreshList();
    await load(false); await openUnit(unit, lang);
    say(`Revision ${rev} restored as revision ${r.revision_id}; it is in the editor now.`, "ok");
  }

  function insertAtCursor(text) {
    const box = $("#wb-editor");
    if (!box) return;
    const [a, b] = [box.selectionStart, box.selectionEnd];
    box.setRangeText(text, a, b, "end"); S.dirty = true; box.focus(); autosize(box); storeDraft();
  }

  function refreshList() { const b = document.getElementById("refresh-articles"); if (b) b.click(); }

  // ------------------------------------------------------------------ events
  document.addEventListener("click", async (e) => {
    const t = e.target;
    if (!t.closest || !t.closest("#review-grid")) return;
    const cellEl = t.closest("td.wb-cell");
    if (cellEl && !cellEl.classList.contains("wb-open")) return openUnit(cellEl.dataset.unit, cellEl.dataset.lang);
    if (t.id === "wb-save") return save(true);
    if (t.id === "wb-save-edit") return save(false, false);
    if (t.id === "wb-retranslate") return retranslate();
    if (t.id === "wb-discard") { forget(S.open.unit, S.open.lang); await call("discard_draft", S.article, S.open.unit, S.open.lang, reviewer()); S.dirty = false; await load(false); return openUnit(S.open.unit, S.open.lang); }
    if (t.id === "wb-keep-mine") return resolve("mine");
    if (t.id === "wb-take-theirs") return resolve("theirs");
    if (t.id === "wb-merge") return resolve("merge");
    if (t.id === "wb-copy-source") return insertAtCursor(S.details.source);
    if (t.id === "wb-next-review") return nextNeedingReview();
    if (t.id === "wb-help-button") return toggleHelp(true);
    if (t.id === "wb-help-close") return toggleHelp(false);
    if (t.classList.contains("wb-approve")) return approve(t.dataset.lang);
    if (t.classList.contains("wb-use")) { const box = $("#wb-editor"); box.value = S.details.matches[+t.dataset.i].text; S.dirty = true; autosize(box); box.focus(); return storeDraft(); }
    if (t.classList.contains("wb-term")) return insertAtCursor(t.dataset.form);
    if (t.classList.contains("wb-restore")) return restore(+t.dataset.rev);
    if (t.id === "wb-compare") {
      const picked = [...document.querySelectorAll(".wb-pick:checked")].map((x) => +x.value).sort((a, b) => a - b);
      if (picked.length !== 2) return say("Check two revisions to compare.", "warn");
      const text = (id) => S.details.history.find((h) => h.id === id).text;
      const r = await call("compare", text(picked[0]), text(picked[1]));
      $("#wb-compare-out").innerHTML = `<p>#${picked[0]} → #${picked[1]}</p><div class='diff'>${r.diff_html}</div>`;
    }
  });

  document.addEventListener("input", (e) => {
    const t = e.target;
    if (t.id === "wb-editor") { S.dirty = true; autosize(t); clearTimeout(S.timers.draft); S.timers.draft = setTimeout(storeDraft, 600); return; }
    if (t.id === "wb-search") { S.filter.q = t.value; const pos = t.selectionStart; render(); const s = $("#wb-search"); s.focus(); s.setSelectionRange(pos, pos); return; }
    if (t.closest && t.closest("#reviewer")) localStorage.setItem("workbench.reviewer", t.value.trim());
  });

  document.addEventListener("change", (e) => {
    const t = e.target, key = { "wb-state": "state", "wb-flag": "flag", "wb-order": "order" }[t.id];
    if (key) { S.filter[key] = t.value; render(); }
  });

  function toggleHelp(show) { const h = $("#wb-help"); if (h) h.hidden = !show; if (show) $("#wb-help-close").focus(); }

  document.addEventListener("keydown", async (e) => {
    if (!S.data) return;
    const typing = e.target.matches && e.target.matches("input, textarea, select");
    const inEditor = e.target.id === "wb-editor";
    if (e.key === "?" && !typing) { e.preventDefault(); return toggleHelp(true); }
    if (e.key === "Escape" && !$("#wb-help").hidden) return toggleHelp(false);
    if (!inEditor && !(e.altKey && ["KeyN", "KeyA"].includes(e.code))) return;
    const lang = S.open ? S.open.lang : "en";
    const done = () => { e.preventDefault(); e.stopPropagation(); };
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { done(); return save(true); }
    if (e.key.toLowerCase() === "s" && (e.ctrlKey || e.metaKey)) { done(); return save(false, false); }
    if (e.key === "Escape") { done(); await leave(); S.open = null; return render(); }
    if (!e.altKey) return;
    if (e.code === "ArrowDown") { done(); return move(1); }
    if (e.code === "ArrowUp") { done(); return move(-1); }
    if (e.code === "KeyN") { done(); return nextNeedingReview(); }
    if (e.code === "KeyA") { done(); return approve(lang); }
    if (e.code === "KeyS") { done(); return insertAtCursor(S.details.source); }
    if (e.code === "KeyL") { done(); return openUnit(S.open.unit, lang === "en" ? "ru" : "en"); }
    const digit = /^Digit([1-3])$/.exec(e.code);
    if (digit && S.details) {
      done();
      const i = +digit[1] - 1;
      if (e.shiftKey) { const forms = S.details.terms.map((t) => t.forms[0]).filter(Boolean); if (forms[i]) insertAtCursor(forms[i]); return; }
      const m = S.details.matches[i];
      if (m) { const box = $("#wb-editor"); box.value = m.text; S.dirty = true; autosize(box); storeDraft(); }
    }
  }, true);

  window.addEventListener("beforeunload", (e) => {
    const box = $("#wb-editor");
    if (S.open && S.dirty && box) {
      localStorage.setItem(draftKey(S.open.unit, S.open.lang), JSON.stringify({ text: box.value, base: S.details ? S.details.revision_id : null, at: Date.now() }));
      e.preventDefault();
    }
  });

  // The Python side puts <div id="review-grid" data-article=… data-stamp=…> on the page when an article opens
  // (or changes as a whole); this watches for it and (re)loads.
  new MutationObserver(() => {
    const host = $("#review-grid");
    const box = $("#reviewer textarea, #reviewer input");
    const saved = localStorage.getItem("workbench.reviewer");
    if (box && saved && box.value === "reviewer" && document.activeElement !== box) {  // the page's default name
      box.value = saved; box.dispatchEvent(new Event("input", { bubbles: true }));
    }
    if (!host || host.dataset.article === undefined) return;
    if (host === S.host && host.dataset.article === S.article && host.dataset.stamp === S.stamp) return;
    const changed = host.dataset.article !== S.article, reload = changed || host.dataset.stamp !== S.stamp;
    S.host = host; S.article = host.dataset.article; S.stamp = host.dataset.stamp;
    if (changed) { S.open = null; S.details = null; S.dirty = false; S.data = null; S.msg = null; }
    if (!S.article) { host.innerHTML = ""; return; }
    if (!reload && S.data) return render();
    load(!changed).catch((err) => say(String(err), "error"));
  }).observe(document.documentElement, { childList: true, subtree: true, attributes: true, attributeFilter: ["data-article", "data-stamp"] });
})();
