// Word diffs in the browser (a conflict's "their text → yours", two revisions, a draft against the saved text),
// as the server's review/diff.py shows them: the words both texts start and end with set aside, the rest compared
// word by word (longest common subsequence) while that stays small, else sentence by sentence, else one deletion
// and one insertion, with a note saying so. diff(): {ops: [["=" | "-" | "+", text]], fineness}; diffNodes(): the
// note and a <p class='diff'> with <del> and <ins>, built with the DOM API; diffSlot() and fillDiffSlots(): a
// place for one in HTML built as text (the details panel), filled once it is in the page.
import { esc } from "./html.js";

const MAX_PAIRS = 1_000_000;  // word pairs compared in one table (4 MB): a few milliseconds
const SENTENCE = /(?<=[.!?؟。])\s+|\s*\n\s*/u;
export const NOTES = {
  sentence: "Too long and too different to compare word by word: changed sentences are shown whole.",
  whole: "Too long and too different to compare: the whole old text, then the whole new one.",
};

const words = (text) => String(text || "").split(/\s+/u).filter(Boolean);
const sentences = (text) => String(text || "").split(SENTENCE).map((s) => words(s).join(" ")).filter(Boolean);
const changed = (gone, came) => [...(gone.length ? [["-", gone.join(" ")]] : []), ...(came.length ? [["+", came.join(" ")]] : [])];

// [tag, i, j] steps through a and b along a longest common subsequence; null: too many pairs.
function lcs(a, b) {
  const n = a.length, m = b.length;
  if (n * m > MAX_PAIRS) return null;
  const t = new Uint32Array((n + 1) * (m + 1)), at = (i, j) => i * (m + 1) + j;
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) t[at(i, j)] = a[i] === b[j] ? t[at(i + 1, j + 1)] + 1 : Math.max(t[at(i + 1, j)], t[at(i, j + 1)]);
  }
  const steps = [];
  let i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) steps.push(["=", i++, j++]);
    else if (j < m && (i === n || t[at(i, j + 1)] >= t[at(i + 1, j)])) steps.push(["+", i, j++]);
    else steps.push(["-", i++, j]);
  }
  return steps;
}

// The diff of two token lists, each run of changes as one deletion then one insertion; null: too long.
function tokens(a, b) {
  let head = 0, tail = 0;
  while (head < Math.min(a.length, b.length) && a[head] === b[head]) head++;
  while (tail < Math.min(a.length, b.length) - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const midA = a.slice(head, a.length - tail), midB = b.slice(head, b.length - tail), steps = lcs(midA, midB);
  if (!steps) return null;
  const out = head ? [["=", a.slice(0, head).join(" ")]] : [];
  let gone = [], came = [], same = [];
  const flush = () => { if (same.length) { out.push(["=", same.join(" ")]); same = []; } };
  for (const [tag, i, j] of steps) {
    if (tag === "=") { if (gone.length || came.length) { out.push(...changed(gone, came)); gone = []; came = []; } same.push(midA[i]); continue; }
    flush();
    if (tag === "-") gone.push(midA[i]); else came.push(midB[j]);
  }
  flush();
  out.push(...changed(gone, came));
  return tail ? [...out, ["=", a.slice(a.length - tail).join(" ")]] : out;
}

// {ops, fineness: "word" | "sentence" | "whole"}
export function diff(old, now) {
  const byWord = tokens(words(old), words(now));
  if (byWord) return { ops: byWord, fineness: "word" };
  const bySentence = tokens(sentences(old), sentences(now));
  if (bySentence) return { ops: bySentence, fineness: "sentence" };
  return { ops: changed([words(old).join(" ")].filter(Boolean), [words(now).join(" ")].filter(Boolean)), fineness: "whole" };
}

// The diff as DOM nodes: a note when it is not word by word, then <p class='diff'> with <del> and <ins>.
export function diffNodes(doc, old, now) {
  const p = doc.createElement("p"), out = [];
  p.className = "diff";
  if (!old && !now) { p.textContent = "—"; return [p]; }
  const { ops, fineness } = diff(old, now);
  if (NOTES[fineness]) { const note = doc.createElement("p"); note.className = "wb-meta"; note.textContent = NOTES[fineness]; out.push(note); }
  ops.forEach(([op, text], i) => {
    if (i) p.append(" ");
    if (op === "=") { p.append(text); return; }
    const mark = doc.createElement(op === "-" ? "del" : "ins");
    mark.textContent = text;
    p.append(mark);
  });
  out.push(p);
  return out;
}

// A place for the diff of two texts in HTML built as text; fillDiffSlots(root) draws it there.
export const diffSlot = (old, now) => `<span class='wb-diff-slot' data-old='${esc(old)}' data-new='${esc(now)}'></span>`;
export function fillDiffSlots(root) {
  for (const slot of root.querySelectorAll(".wb-diff-slot")) {
    slot.replaceWith(...diffNodes(root.ownerDocument || document, slot.dataset.old, slot.dataset.new));
  }
}
