// The review order by risk and the entity ledger in the open row (issue 30). The server's view carries, per
// language and segment, the risk score and its reasons, the fact checks' flags with their plain-words reasons and
// the segment's names with the ledger's forms (`review_view`'s `risk`, from runs/risk_view.py). Here:
//   - the "risk" order (the default): riskiest first, fixed when the article (or the language reviewed) is opened,
//     so rows never jump under the reviewer; picking the order again ranks them anew;
//   - on every cell, its score and its largest reason (all of them in the title);
//   - in the open row, the names with the ledger's forms, and Alt+K on the first flagged one: a misspelling is
//     replaced by the ledger's form in the editor (Ctrl+Z undoes it; saving keeps it), an unconfirmed name's forms
//     are confirmed in the ledger (`ledger_name`);
//   - the fact flags, each with its reason, in the panel's flag list (WB.factItems).
(function (root) {
  "use strict";
  const WB = root.WB = root.WB || {};
  const esc = (t) => WB.esc(t);
  const KEY = "Alt+K";
  const riskOf = (g, unit, lang) => (((g.data && g.data.risk) || {})[lang] || {})[unit] || null;
  const reasonText = (r) => String(r).replace(/^\+\d+(\.\d+)?\s+/, "");

  // ------------------------------------------------------------------ the order
  // Riskiest first for `lang`; segments without a risk (not translated) after, each group in document order.
  WB.riskOrdered = function (rows, lang, g) {
    const snap = g.riskSnap;
    if (!snap || snap.article !== g.article || snap.lang !== lang || snap.data !== !!g.data.risk) {
      const score = (r) => { const k = riskOf(g, r.id, lang); return k ? k.score : -1; };
      const ids = [...rows].sort((a, b) => score(b) - score(a) || a.number - b.number).map((r) => r.id);
      g.riskSnap = { article: g.article, lang, data: !!g.data.risk, ids };
    }
    const at = new Map(g.riskSnap.ids.map((id, i) => [id, i]));
    return [...rows].sort((a, b) => (at.has(a.id) ? at.get(a.id) : 1e9 + a.number) - (at.has(b.id) ? at.get(b.id) : 1e9 + b.number));
  };
  // Picking an order (again) ranks the rows anew (capture: before the grid rebuilds the table).
  document.addEventListener("change", (e) => {
    if (e.target && e.target.id === "wb-order" && root.workbenchGrid) root.workbenchGrid.riskSnap = null;
  }, true);

  // ------------------------------------------------------------------ why a row ranks where it does
  WB.registerBadge((unit, lang, unitName, g) => {
    const k = unitName === "summary" ? null : riskOf(g, unitName, lang);
    if (!k || !k.score) return "";
    const why = k.reasons.length ? reasonText(k.reasons[0]) : "";
    return ` <span class='wb-risk' title='${esc(`risk ${k.score.toFixed(2)}: ${k.reasons.join("; ")}`)}'>` +
      `<b>risk ${k.score.toFixed(1)}</b> <span class='wb-why'>${esc(why)}</span></span>`;
  });

  // ------------------------------------------------------------------ fact flags in the flag list
  WB.factItems = function (d, g) {
    const k = riskOf(g, d.unit, d.lang), facts = (k && k.facts) || [];
    return facts.map((f) => `<li class='wb-fact' data-fact='${esc(f.kind)}'><b>${esc(f.kind)}</b>: ${esc(f.reason)}</li>`).join("");
  };

  // ------------------------------------------------------------------ the names of the open row
  const PROBLEM = { misspelled: "spelled otherwise than the ledger", missing: "not named in the translation",
                    "not confirmed": "forms not confirmed yet", "not in the ledger": "not in the ledger yet" };
  const actionable = (g, unit, lang) => ((riskOf(g, unit, lang) || {}).names || []).find((n) => n.action && !n.done) || null;

  function nameItem(n, first) {
    const forms = `EN <b lang='en'>${esc(n.en || "—")}</b> · RU <b lang='ru'>${esc(n.ru || "—")}</b>`;
    const problem = n.done ? n.done : n.problem ? `${PROBLEM[n.problem] || n.problem}${n.found ? `: “${n.found}”` : ""}` : "as the ledger has it";
    const label = n.action === "fix" ? `Use “${n.form}”` : "Confirm the forms";
    const button = n.action && !n.done ? ` <button class='wb-ledger-act' data-ar='${esc(n.ar)}'${first ? ` title='${KEY}'` : ""}>${esc(label)}${first ? ` (${KEY})` : ""}</button>` : "";
    return `<li class='wb-name${n.problem && !n.done ? " wb-name-flagged" : ""}' data-ar='${esc(n.ar)}'><span dir='rtl' lang='ar'>${esc(n.ar.split("|")[0])}</span> → ${forms}` +
      ` <small>(${n.confirmed ? "confirmed" : "new"})</small> <span class='wb-name-problem'>${esc(problem)}</span>${button}</li>`;
  }

  WB.registerSection({ id: "names", title: "Names (entity ledger)", order: 8, render(d, g) {
    const names = (riskOf(g, d.unit, d.lang) || {}).names || [];
    if (!names.length) return "";
    const first = actionable(g, d.unit, d.lang);
    return `<ul class='wb-names'>${names.map((n) => nameItem(n, n === first)).join("")}</ul>`;
  } });

  function redraw(g) { const s = g.session, d = g.currentDetails(); if (s && d) g.fillDetails(s, d); }

  // Fix: the ledger's form in place of the misspelling, in the editor (saved with the text, undoable).
  function fix(g, n) {
    const box = g.box, at = box ? box.value.indexOf(n.found) : -1;
    if (at < 0) return g.rowSay(`“${n.found}” is no longer in the editor.`, "warn");
    box.setSelectionRange(at, at + n.found.length);
    g.insert(n.form);
    n.done = `“${n.found}” replaced by the ledger's “${n.form}” in the editor (Ctrl+Z undoes it; save to keep it)`;
    redraw(g);
    g.rowSay(`${n.done}.`, "ok");
  }

  // Confirm: the ledger's forms of the name become confirmed (for every article); the view is read again.
  async function confirm(g, n) {
    const s = g.session;
    const r = await g.transport.ask("ledger_name", { article_id: g.article, unit: s.unit, language: s.lang, entity: n.ar,
                                                     action: "confirm", author: g.core.author() });
    if (!r || !r.ok) return g.rowSay(`The ledger was not changed: ${(r && r.error) || "no answer"}`, "error");
    const msg = `Confirmed in the ledger: ${r.entity.en || "—"} / ${r.entity.ru || "—"}.`;
    await g.load(g.article);
    redraw(g);
    g.rowSay(msg, "ok");
  }

  WB.Grid.prototype.ledgerKey = function (ar) {
    const s = this.session;
    if (!s || s.unit === "summary") return this.rowSay("Open a segment with a flagged name first.", "warn");
    const names = (riskOf(this, s.unit, s.lang) || {}).names || [];
    const n = ar ? names.find((x) => x.ar === ar) : actionable(this, s.unit, s.lang);
    if (!n || !n.action || n.done) return this.rowSay("No flagged name in this segment that the ledger can confirm or fix.", "ok");
    return n.action === "fix" ? fix(this, n) : confirm(this, n);
  };

  WB.registerKey({ keys: KEY, help: "the first flagged name of the open segment: put the entity ledger's form in place of a misspelling, or confirm a new name's forms in the ledger",
                   when: "editor", match: (e) => e.altKey && !e.ctrlKey && !e.metaKey && !e.shiftKey && e.code === "KeyK", run: (g) => g.ledgerKey() });
  document.addEventListener("click", (e) => {
    const b = e.target && e.target.closest && e.target.closest("button.wb-ledger-act");
    if (b && root.workbenchGrid) root.workbenchGrid.ledgerKey(b.dataset.ar);
  });

  const style = document.createElement("style");
  style.textContent = `
.wb-risk { font-size: 12px; border-radius: 4px; padding: 0 4px; margin-left: 2px; background: #fef3c7; color: #78350f; display: inline-block; max-width: 100%; vertical-align: bottom; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.wb-names { margin: 0; padding-left: 18px; } .wb-name-flagged .wb-name-problem { color: #9a3412; font-weight: 600; }
.wb-fact b { color: #9a3412; }`;
  (document.head || document.documentElement).appendChild(style);
})(typeof globalThis !== "undefined" ? globalThis : this);
