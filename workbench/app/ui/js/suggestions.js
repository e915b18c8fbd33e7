// Machine suggestions under the open segment (issue 20): the run's own output and each further model's latest
// suggestion (`translate --suggest MODEL`), from `unit_details` (`suggestions`), each with its model, confidence,
// flags and the difference from the current text. Alt+7 … Alt+9 (or its button) puts one in the editor through the
// browser's editing commands, so Ctrl+Z brings the previous text back, as with memory matches.
import { registerKey, registerSection } from "./render.js";
import { esc } from "./html.js";
import { diffSlot } from "./diff.js";

const FIRST_KEY = 7, KEYS = 3;

function confidence(s) {
  const c = s.confidence;
  return c && typeof c.score === "number" ? ` · <span class='wb-conf' title='model confidence'>${Math.round(c.score * 100)}%</span>` : "";
}

function item(s, i, current) {
  const key = i < KEYS ? `Alt+${FIRST_KEY + i}` : "";
  const what = s.kind === "machine" ? "this run's output" : "suggestion";
  const flags = s.flags && s.flags.length ? ` · <span class='wb-flags' title='${esc(s.flags.join(", "))}'>⚑ ${esc(s.flags.join(", "))}</span>` : "";
  const notes = s.notes && s.notes.length ? `<div class='wb-meta'>${s.notes.map((n) => esc(n)).join("; ")}</div>` : "";
  const same = s.same_as_current ? " · <i>same as the current text</i>" : "";
  return `<li class='wb-suggestion' data-i='${i}'><button class='wb-suggest-use' data-i='${i}'${key ? ` title='${key}'` : ""}>Use ${i + 1}</button> ` +
    `<b class='wb-suggest-model'>${esc(s.model)}</b> <small>(${esc(what)}${s.from ? `, from ${esc(s.from)}` : ""}${s.meaningless ? ", random weights" : ""})</small>` +
    `${confidence(s)}${flags}${same}<div class='wb-suggest-text' dir='auto'>${esc(s.text)}</div>` +
    `<div class='diff' title='what using it changes in the current text'>${diffSlot(current, s.text)}</div>${notes}</li>`;
}

registerSection({ id: "suggestions", title: "Machine suggestions", order: 32, render(d) {
  const list = d.suggestions || [];
  return list.length ? `<ol class='wb-suggestions'>${list.map((s, i) => item(s, i, d.text)).join("")}</ol>` : "";
} });

// Put suggestion i in the editor, replacing its text (undoable with Ctrl+Z).
export function useSuggestion(g, i) {
  const d = g.currentDetails(), s = d && d.suggestions && d.suggestions[i];
  if (!s) return g.rowSay(`No machine suggestion ${i + 1} for this segment.`, "warn");
  g.insert(s.text, { all: true });
  g.rowSay(`Suggestion ${i + 1} (${s.model}) is in the editor; Ctrl+Z brings your text back.`, "ok");
}

registerKey({ keys: `Alt+${FIRST_KEY} … Alt+${FIRST_KEY + KEYS - 1}`, when: "editor",
  help: `use machine suggestion 1–${KEYS} (the run's output, then other models'; Ctrl+Z undoes it)`,
  match: (e) => e.altKey && !e.shiftKey && !e.ctrlKey && !e.metaKey && new RegExp(`^Digit[${FIRST_KEY}-${FIRST_KEY + KEYS - 1}]$`).test(e.code),
  run: (g, e) => useSuggestion(g, +e.code.slice(5) - FIRST_KEY) });

// The grid's "Use" buttons of the suggestions.
export function plugSuggestions(g) {
  document.addEventListener("click", (e) => {
    const button = e.target && e.target.closest ? e.target.closest("button.wb-suggest-use") : null;
    if (button && g.el.contains(button)) useSuggestion(g, +button.dataset.i);
  });
}
