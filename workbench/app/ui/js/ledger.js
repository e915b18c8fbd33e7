// The review order by risk and the entity ledger in the open row (issue 30). The server's view carries, per
// language and segment, the risk score and its reasons, the fact checks' flags with their plain-words reasons and
// the segment's names with the ledger's forms (`review_view`'s `risk`, from runs/risk_view.py). Here:
//   - the "risk" order (registerOrder, placed first: the default): riskiest first, fixed when the article (or the
//     language reviewed) is opened, so rows never jump under the reviewer; picking the order again ranks them anew;
//   - on every cell, its score and its largest reason (all of them in the title);
//   - in the open row, the names with the ledger's forms, and Alt+K on the first flagged one: a misspelling is
//     replaced by the ledger's form in the editor (Ctrl+Z undoes it; saving keeps it), an unconfirmed name's forms
//     are confirmed in the ledger (`ledger_name`);
//   - the fact flags, each with its reason, in the panel's flag list (extendFlags).
// It plugs in through render.js's registerOrder/registerBadge/registerSection/registerKey/extendFlags and, for one
// grid, by plugLedger(grid) (its buttons, the Order menu, its styles).
import { esc, h } from "./html.js";
import { extendFlags, registerBadge, registerKey, registerOrder, registerSection } from "./render.js";

const KEY = "Alt+K";
const riskOf = (g, unit, lang) => (((g.data && g.data.risk) || {})[lang] || {})[unit] || null;
const namesOf = (g, unit, lang) => (riskOf(g, unit, lang) || {}).names || [];
// "+0.40 name: …" → "name: …" (the reason without its share of the score)
export const reasonText = (r) => String(r).replace(/^\+\d+(\.\d+)?\s+/, "");
// The first name the ledger can fix or confirm that is not done yet, or null.
export const actionable = (names) => names.find((n) => n.action && !n.done) || null;

// ------------------------------------------------------------------ the order
// The rows' ids riskiest first for `lang` (`risk`: the view's risk); segments without a risk (not translated)
// after, each group in document order.
export function riskRanking(rows, risk, lang) {
  const of = (risk || {})[lang] || {}, score = (r) => (of[r.id] ? of[r.id].score : -1);
  return [...rows].sort((a, b) => score(b) - score(a) || a.number - b.number).map((r) => r.id);
}
// The rows in the order of `ids`; rows not in it (none, unless the article changed) after, in document order.
export function inRanking(rows, ids) {
  const at = new Map(ids.map((id, i) => [id, i])), place = (r) => (at.has(r.id) ? at.get(r.id) : 1e9 + r.number);
  return [...rows].sort((a, b) => place(a) - place(b));
}

// Per grid, the ranking taken when its article (or language) was opened, so rows keep their places meanwhile.
const rankings = new WeakMap();
registerOrder({ id: "risk", label: "riskiest first", place: 0, rank(rows, lang, g) {
  if (!g || !g.data) return rows;
  let r = rankings.get(g);
  if (!r || r.article !== g.article || r.lang !== lang || r.data !== !!g.data.risk) {
    r = { article: g.article, lang, data: !!g.data.risk, ids: riskRanking(rows, g.data.risk, lang) };
    rankings.set(g, r);
  }
  return inRanking(rows, r.ids);
} });

// ------------------------------------------------------------------ why a row ranks where it does
registerBadge((unit, lang, unitName, g) => {
  const k = unitName === "summary" ? null : riskOf(g, unitName, lang);
  if (!k || !k.score) return "";
  const why = k.reasons.length ? reasonText(k.reasons[0]) : "";
  return ` <span class='wb-risk' title='${esc(`risk ${k.score.toFixed(2)}: ${k.reasons.join("; ")}`)}'>` +
    `<b>risk ${k.score.toFixed(1)}</b> <span class='wb-why'>${esc(why)}</span></span>`;
});

// ------------------------------------------------------------------ fact flags in the flag list
extendFlags({ after(d, g) {
  const k = riskOf(g, d.unit, d.lang), facts = (k && k.facts) || [];
  return facts.map((f) => `<li class='wb-fact' data-fact='${esc(f.kind)}'><b>${esc(f.kind)}</b>: ${esc(f.reason)}</li>`).join("");
} });

// ------------------------------------------------------------------ the names of the open row
const PROBLEM = { misspelled: "spelled otherwise than the ledger", missing: "not named in the translation",
                  "not confirmed": "forms not confirmed yet", "not in the ledger": "not in the ledger yet" };

function nameItem(n, first) {
  const forms = `EN <b lang='en'>${esc(n.en || "—")}</b> · RU <b lang='ru'>${esc(n.ru || "—")}</b>`;
  const problem = n.done ? n.done : n.problem ? `${PROBLEM[n.problem] || n.problem}${n.found ? `: “${n.found}”` : ""}` : "as the ledger has it";
  const label = n.action === "fix" ? `Use “${n.form}”` : "Confirm the forms";
  const button = n.action && !n.done ? ` <button class='wb-ledger-act' data-ar='${esc(n.ar)}'${first ? ` title='${KEY}'` : ""}>${esc(label)}${first ? ` (${KEY})` : ""}</button>` : "";
  return `<li class='wb-name${n.problem && !n.done ? " wb-name-flagged" : ""}' data-ar='${esc(n.ar)}'><span dir='rtl' lang='ar'>${esc(n.ar.split("|")[0])}</span> → ${forms}` +
    ` <small>(${n.confirmed ? "confirmed" : "new"})</small> <span class='wb-name-problem'>${esc(problem)}</span>${button}</li>`;
}

registerSection({ id: "names", title: "Names (entity ledger)", order: 8, render(d, g) {
  const names = namesOf(g, d.unit, d.lang);
  if (!names.length) return "";
  const first = actionable(names);
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

// Alt+K or a name's button (`ar`: that name; none: the first flagged one of the open segment).
export function ledgerKey(g, ar) {
  const s = g.session;
  if (!s || s.unit === "summary") return g.rowSay("Open a segment with a flagged name first.", "warn");
  const names = namesOf(g, s.unit, s.lang), n = ar ? names.find((x) => x.ar === ar) : actionable(names);
  if (!n || !n.action || n.done) return g.rowSay("No flagged name in this segment that the ledger can confirm or fix.", "ok");
  return n.action === "fix" ? fix(g, n) : confirm(g, n);
}

registerKey({ keys: KEY, help: "the first flagged name of the open segment: put the entity ledger's form in place of a misspelling, or confirm a new name's forms in the ledger",
              when: "editor", match: (e) => e.altKey && !e.ctrlKey && !e.metaKey && !e.shiftKey && e.code === "KeyK", run: (g) => ledgerKey(g) });

// The names' buttons, and the Order menu: picking an order (again) ranks the rows anew (in the capture phase:
// before the grid rebuilds the table, keys.js).
export function plugLedger(g) {
  g.el.addEventListener("click", (e) => {
    const button = e.target && e.target.closest ? e.target.closest("button.wb-ledger-act") : null;
    if (button && g.el.contains(button)) ledgerKey(g, button.dataset.ar);
  });
  g.el.addEventListener("change", (e) => { if (e.target && e.target.id === "wb-order") rankings.delete(g); }, true);
  if (document.getElementById("wb-ledger-style")) return;
  document.head.append(h("style", { id: "wb-ledger-style", textContent: `
.wb-risk { font-size: 12px; border-radius: 4px; padding: 0 4px; margin-left: 2px; background: #fef3c7; color: #78350f; display: inline-block; max-width: 100%; vertical-align: bottom; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.wb-names { margin: 0; padding-left: 18px; } .wb-name-flagged .wb-name-problem { color: #9a3412; font-weight: 600; }
.wb-fact b { color: #9a3412; }` }));
}
