// A summary held to its article (issue 30): each number, name and quotation of a summary (the server's view
// carries them: `summaries[lang].claims`, each with the ids of the segments it is traced to, review.model.Claim)
// is a span in the summary's cell while its editor is closed. Hovering or focusing one (Tab: each is a stop)
// highlights the rows of the article it comes from (tr.wb-claim-source) and its title names them; a claim no
// segment supports is marked (a struck-through box and a ✗ after it, not colour alone) and says so.
// It plugs in through the grid's events ("rendered", "cell": after a closed cell is drawn again) and, for one grid,
// plugClaims(grid) (its hover and focus listeners, its styles).
import { h } from "./html.js";
import { units } from "./render.js";

const KIND = { number: "Number", name: "Name", quote: "Quotation" };

// The UTF-16 index of each code point index of `text` (the server counts code points; a JS string, UTF-16 units).
export function unitIndex(text) {
  const at = [0];
  for (const ch of text) at.push(at[at.length - 1] + ch.length);
  return (i) => at[Math.min(Math.max(i, 0), at.length - 1)];
}

// The claims that fit `text` (the text shown): in bounds and, for a name or quotation, its words at its place (an
// older view's claims of another text are left out), with UTF-16 `from`/`to`.
export function fitting(text, claims) {
  const length = [...text].length, u = unitIndex(text);
  return (claims || []).filter((c) => Number.isInteger(c.start) && Number.isInteger(c.end) && c.start >= 0 && c.end <= length && c.start < c.end)
    .map((c) => ({ ...c, from: u(c.start), to: u(c.end) }))
    .filter((c) => c.kind === "number" || text.slice(c.from, c.to) === c.text);
}

// `text` cut into plain strings and claims (`{claim, pieces}`), in order; a claim inside another (a number in a
// quotation) is among that one's pieces, one that straddles an earlier claim's end is left out.
export function pieces(text, claims) {
  const sorted = fitting(text, claims).sort((a, b) => a.from - b.from || b.to - a.to);
  return cut(text, sorted, 0, text.length);
}
function cut(text, sorted, from, to) {
  const out = [];
  let at = from;
  for (let i = 0; i < sorted.length;) {
    const c = sorted[i];
    let j = i + 1;
    while (j < sorted.length && sorted[j].from < c.to) j++;
    if (c.from >= at) {
      if (c.from > at) out.push(text.slice(at, c.from));
      out.push({ claim: c, pieces: cut(text, sorted.slice(i + 1, j).filter((x) => x.to <= c.to), c.from, c.to) });
      at = c.to;
    }
    i = j;
  }
  if (at < to) out.push(text.slice(at, to));
  return out;
}

// What a claim's title says: what it is and the rows of the article it comes from (`numberOf`: a segment id's row
// number), or that no row says it.
export function claimTitle(claim, shown, numberOf) {
  const value = claim.kind === "number" && claim.text !== shown ? ` (${claim.text})` : "";
  const what = `${KIND[claim.kind] || claim.kind} “${shown}”${value}`;
  if (!claim.segments.length) return `${what}: not in the article (no segment says it)`;
  const rows = claim.segments.map((id) => numberOf(id)).filter((n) => n);
  return `${what}: from ${rows.length === 1 ? "row" : "rows"} ${rows.join(", ")} of the article`;
}

// The segment ids to highlight for a claim span (its data-segments).
export const sourcesOf = (span) => (span && span.dataset && span.dataset.segments ? span.dataset.segments.split(" ") : []);

// ------------------------------------------------------------------ in the page
function build(text, parts, numberOf) {
  return parts.map((p) => {
    if (typeof p === "string") return p;
    const c = p.claim, shown = text.slice(c.from, c.to);
    return h("span", { className: `wb-claim wb-claim-${c.kind}${c.segments.length ? "" : " wb-claim-unsupported"}`,
                       tabIndex: 0, title: claimTitle(c, shown, numberOf), "data-segments": c.segments.join(" "),
                       "data-kind": c.kind }, ...build(text, p.pieces, numberOf));
  });
}

// The summary's cell in `lang`, closed and showing the view's text: its text as claim spans (once per text).
export function decorate(g, lang) {
  const unit = g.data && g.data.article.summaries ? g.data.article.summaries[lang] : null;
  const td = g.cellEl("summary", lang), box = td && !td.classList.contains("wb-open") ? td.querySelector(":scope > .wb-text") : null;
  if (!unit || !box || box.wbClaims === unit.text || box.textContent !== unit.text || !(unit.claims || []).length) return;
  const numbers = new Map(units(g.data).map((r) => [r.id, r.number]));
  box.replaceChildren(...build(unit.text, pieces(unit.text, unit.claims), (id) => numbers.get(id)));
  box.wbClaims = unit.text;
}

function highlight(g, span, on) {
  for (const tr of g.host.querySelectorAll("tr.wb-claim-source")) tr.classList.remove("wb-claim-source");
  if (!on) return;
  for (const id of sourcesOf(span)) { const tr = g.rowEl(id); if (tr) tr.classList.add("wb-claim-source"); }
}

const STYLE = `
.wb-claim { border-bottom: 1px dotted #1e3a8a; cursor: help; }
.wb-claim:hover, .wb-claim:focus-visible { background: #dbeafe; color: #1e3a8a; }
.wb-claim-unsupported { background: #fee2e2; color: #7f1d1d; border-bottom: 2px solid #7f1d1d; text-decoration: line-through wavy #7f1d1d 1px; }
.wb-claim-unsupported::after { content: " ✗"; font-weight: 700; text-decoration: none; display: inline-block; }
.wb-grid tr.wb-claim-source > td { background: #fef9c3 !important; color: #1f2937; }
.wb-grid tr.wb-claim-source > td:first-child { box-shadow: inset 4px 0 0 #1d4ed8; }`;

export function plugClaims(g) {
  // a span gone from under the pointer (redrawn, or its cell opened as the editor) gets no mouseout: its rows are
  // cleared here
  const clear = () => highlight(g, null, false);
  const all = () => { clear(); if (g.data) for (const l of g.langs) decorate(g, l); };
  g.on("rendered", all);
  g.on("cell", ({ unit, lang }) => { if (unit === "summary") { clear(); decorate(g, lang); } });
  g.on("opened", clear);
  g.el.addEventListener("change", (e) => { if (e.target && e.target.id === "wb-order") all(); });  // the rows were rebuilt
  const span = (e) => (e.target && e.target.closest ? e.target.closest(".wb-claim") : null);
  g.el.addEventListener("mouseover", (e) => { const s = span(e); if (s) highlight(g, s, true); });
  g.el.addEventListener("mouseout", (e) => {  // to another claim (one around this one) or out of them
    if (!span(e)) return;
    const to = span({ target: e.relatedTarget });
    highlight(g, to, !!to);
  });
  g.el.addEventListener("focusin", (e) => { const s = span(e); if (s) highlight(g, s, true); });
  g.el.addEventListener("focusout", (e) => { if (span(e)) highlight(g, null, false); });
  if (document.getElementById("wb-claims-style")) return;
  document.head.append(h("style", { id: "wb-claims-style", textContent: STYLE }));
}
