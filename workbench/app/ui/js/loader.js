// Starts the grid from the gr.HTML component's js_on_load (see ui/grid.py): `server` calls the Python
// server function, `watch("value")` says when Python opened another article (or the same one anew), and
// `trigger("saved")` asks Python to refresh the article list after a status change.
(function (root) {
  "use strict";
  const WB = root.WB = root.WB || {};

  // The reviewer's name (without --auth): remembered in this browser, put back in the field on the next visit
  // (while the page settles, Gradio may fill the field with its default again).
  function rememberReviewer() {
    document.addEventListener("input", (e) => {
      if (e.target.closest && e.target.closest("#reviewer")) localStorage.setItem("workbench.reviewer", e.target.value.trim());
    });
    let tries = 0;
    const restore = () => {
      const box = document.querySelector("#reviewer textarea, #reviewer input"), saved = localStorage.getItem("workbench.reviewer");
      if (box && saved && box.value === "reviewer" && document.activeElement !== box) {
        box.value = saved; box.dispatchEvent(new Event("input", { bubbles: true }));
      }
      if (++tries < 50) setTimeout(restore, 100);
    };
    restore();
  }

  // The article list (a Gradio Dataframe, redrawn as it scrolls or refreshes): Arabic titles are marked Arabic,
  // and the open article's row is highlighted (aria-current), found by its label.
  const ARABIC = /[\u0600-\u06FF]/;
  WB.markList = function (g) {
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
  };

  WB.mount = function ({ element, trigger, props, server, watch }) {
    if (element.wbGrid) return element.wbGrid;
    const grid = new WB.Grid({ element, transport: WB.makeTransport(server), trigger });
    element.wbGrid = grid;
    grid.server = server;  // its `changes` function: the live poll (cat_grid.js)
    root.workbenchGrid = grid;  // for the browser tests and the console
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
    rememberReviewer();
    setInterval(() => WB.markList(grid), 700);
    return grid;
  };
})(typeof globalThis !== "undefined" ? globalThis : this);
