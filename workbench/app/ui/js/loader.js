// Starts the grid from the gr.HTML component's js_on_load (see ui/grid.py; `events` names the custom events Gradio
// must know of): `server` calls the Python server function, `watch("value")` says when Python opened another
// article (or the same one anew), and `trigger("saved")` asks Python to refresh the article list after a status
// change.
import { Grid } from "./editor.js";
import { makeTransport } from "./transport.js";
import { plugSuggestions } from "./suggestions.js";
import { plugCat } from "./cat_grid.js";
import { plugLedger } from "./ledger.js";
import { plugClaims } from "./claims.js";

// The article list (a Gradio Dataframe, redrawn as it scrolls or refreshes): Arabic titles are marked Arabic,
// and the open article's row is highlighted (aria-current), found by its label. Drawn again after the grid draws
// an article, when the list changes (its Gradio change event emits "list", ui/articles.py) and as it scrolls.
const ARABIC = /[\u0600-\u06FF]/;
export function markList(g) {
  const label = g.data && g.data.article ? String(g.data.article.label || g.data.article.title || "").trim() : "";
  for (const cell of document.querySelectorAll('#articles [role=gridcell][data-col="0"]')) {
    const text = cell.textContent.trim();
    if (ARABIC.test(text) && cell.getAttribute("lang") !== "ar") { cell.setAttribute("lang", "ar"); cell.setAttribute("dir", "rtl"); }
    const row = cell.closest("[role=row]") || cell.parentElement, open = !!label && text === label;
    if (row && row.classList.contains("wb-open-article") !== open) {
      row.classList.toggle("wb-open-article", open);
      if (open) row.setAttribute("aria-current", "true"); else row.removeAttribute("aria-current");
    }
  }
}

export function mount({ element, trigger, props, server, watch }) {
  if (element.wbGrid) return element.wbGrid;
  const grid = new Grid({ element, transport: makeTransport(server), trigger });
  element.wbGrid = grid;
  grid.server = server;  // its `changes` function: the live poll (cat_grid.js)
  plugSuggestions(grid);
  plugCat(grid);
  plugLedger(grid);
  plugClaims(grid);
  window.workbenchGrid = grid;  // for the browser tests, the article list's change event and the console
  let frame = 0;
  const mark = () => { cancelAnimationFrame(frame); frame = requestAnimationFrame(() => markList(grid)); };
  for (const type of ["list", "rendered", "loaded"]) grid.on(type, mark);
  document.addEventListener("scroll", (e) => { if (e.target.closest && e.target.closest("#articles")) mark(); }, true);
  let seen = null;
  const apply = () => {
    let v = {};
    try { v = JSON.parse(props.value || "{}") || {}; } catch (_) { v = {}; }
    const sig = `${v.article || ""}|${v.stamp || ""}`;
    if (sig === seen) return;
    seen = sig;
    const article = typeof v.article === "string" ? v.article : "";
    if (grid.data && article === grid.article) grid.render();  // at once: the editor keeps the keys
    grid.load(article);
  };
  if (watch) watch("value", apply);
  apply();
  return grid;
}
