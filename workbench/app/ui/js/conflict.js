// The conflict view: a save refused because someone saved the unit since the text was typed. It shows in the
// row of the unit the save belonged to (never in the row that happens to be open), with both texts and a
// word diff. The safest choice has the focus: "Edit a merge" (a reflexive Enter overwrites nobody).
// "Keep mine" saves on top of theirs; "Take theirs" sets the reviewer's text aside (Set aside → Put it back).
import { keyOf } from "./state.js";
import { esc } from "./html.js";
import { diffNodes } from "./diff.js";

export function conflictHtml(g, c) {
  return `<div class='wb-conflict' role='alert'><p><b>Not saved: ${esc(c.author || "someone")} saved this meanwhile (revision ${esc(c.revision)}).</b> ` +
    `Nothing is lost; choose:</p><div class='wb-two'><div><h4>Yours</h4><div class='wb-mine' dir='auto'>${esc(c.mine)}</div></div>` +
    `<div><h4>Theirs</h4><div class='wb-theirs' dir='auto'>${esc(c.theirs)}</div></div></div>` +
    `<h4>Their text → yours</h4><div class='diff wb-conflict-diff'></div><div class='wb-conflict-actions'>` +
    `<button class='wb-merge' data-choice='merge' title='both texts in the editor, saved on their revision'>Edit a merge</button> ` +
    `<button class='wb-keep-mine' data-choice='mine'>Keep mine (replaces theirs)</button> ` +
    `<button class='wb-take-theirs' data-choice='theirs'>Take theirs (yours is set aside)</button></div></div>`;
}

// The word diff of a conflict, computed here and drawn into its cell (after every drawing of the cell).
export function fillConflictDiff(td, c) {
  const out = td && td.querySelector(".wb-conflict-diff");
  if (out && !out.firstChild) out.append(...diffNodes(td.ownerDocument, c.theirs, c.mine));
}

// Show the conflict of `job` in its row; the focus moves there only if the reviewer is not typing elsewhere.
export function showConflict(g, job) {
  const key = keyOf(job.article, job.unit, job.lang), c = g.core.conflicts.get(key);
  if (!c) return;
  const s = g.session, here = s && s.key === key;
  if (here && g.box) c.mine = g.box.value;  // the newest text of this unit is the reviewer's side
  if (here) g.closeEditor();
  // free: nothing has the focus, or it is in this row's cell; else the reviewer is busy elsewhere
  const active = document.activeElement, cell = g.cellEl(job.unit, job.lang);
  const elsewhere = !(!active || active === document.body || (cell && cell.contains(active)));
  g.refreshCell(job.unit, job.lang);
  if (!elsewhere) focusMerge(g, job);
  else g.say(`${g.where(job)}: not saved, ${c.author || "someone"} saved it meanwhile; choose in that row (your text is kept).`, "error");
}

// "Edit a merge" of `job`'s conflict gets the focus; false when that row shows none.
export function focusMerge(g, job) {
  const cell = g.cellEl(job.unit, job.lang), merge = cell && cell.querySelector(".wb-merge");
  if (merge) merge.focus();
  return !!merge;
}

export function resolveConflict(g, unit, lang, choice) {
  const key = keyOf(g.article, unit, lang), c = g.core.conflicts.get(key);
  if (!c) return;
  g.core.conflicts.delete(key);
  if (choice === "mine") {
    g.core.enqueue({ kind: "save", article: g.article, unit, lang, text: c.mine, base: c.revision, reviewed: c.reviewed,
                     label: "mine", number: c.job.number, seconds: c.job.seconds });
    g.refreshCell(unit, lang);  // the focus was on the button: it stays on this cell
    return;
  }
  // Both other choices start from their text, which the row does not have yet.
  g.patchTarget(unit, lang, { text: c.theirs, revision_id: c.revision });
  if (choice === "theirs") {
    g.core.drafts.trash(g.article, unit, lang, c.mine, c.job.base, "you took their text", Date.now());
    g.core.drafts.forget(g.article, unit, lang);
    g.core.queue.add({ kind: "discard", article: g.article, unit, lang, author: g.core.author() });
    g.dropStoreDraft(unit, lang);
    g.core.note(key, "Took their text. Yours is set aside: open the segment, Set aside → Put it back.", "warn");
    g.refreshUnit(unit, lang);
    g.refreshCell(unit, lang);
    g.cellEl(unit, lang).focus();
    return;
  }
  // merge: both texts in the editor, based on their revision (saving it replaces theirs knowingly)
  g.core.note(key, "", "");
  g.openUnit(unit, lang, { merge: { text: `${c.mine}\n\n${c.theirs}`, base: c.revision, saved: c.theirs } });
  g.rowSay("Merge: your text, a blank line, then theirs. Keep what is right and save; it is saved on their revision.", "warn");
  g.refreshUnit(unit, lang);
}
