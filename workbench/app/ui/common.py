"""What every panel shares: the page's CSS and keyboard script, the per-session state, the reviewer's name."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import gradio as gr

CSS = """
/* Gradio 6 renders Dataframe bodies as a virtual grid of [role=gridcell] cells with data-col indexes. */
#articles [role=gridcell][data-col="0"], #articles [role=gridcell][data-col="0"] *, .ar, .wb-ar, #glossary [data-col="0"],
#glossary [data-col="0"] * {
  direction: rtl; text-align: right; unicode-bidi: plaintext;
  font-family: "Noto Naskh Arabic", "Noto Sans Arabic", "Amiri", "DejaVu Sans", serif; font-size: 1.05em;
}
#articles [role=gridcell] span { font-family: var(--font); }
.meta { color: var(--body-text-color-subdued); margin: 2px 0; }
.warning, .wb-error { color: #b45309; font-weight: 600; margin: 4px 0; }
.diff del { background: #fde2e2; text-decoration: line-through; }
.diff ins { background: #dcfce7; text-decoration: none; }
.wb-hidden { display: none !important; }
/* Gradio's container clips with overflow: hidden, which makes it the toolbar's scroll box (sticky never
   sticks); clip cuts the same overflow without being a scroll container, so the toolbar stays on screen. */
.gradio-container:has(#review-grid) { overflow: clip !important; }
/* visible focus everywhere a keyboard goes (WCAG 2.4.7) */
#review-grid :focus-visible, #left input:focus-visible, #left textarea:focus-visible, #left [role=listbox]:focus-visible,
#left button:focus-visible, #left [tabindex]:focus-visible { outline: 3px solid #1d4ed8 !important; outline-offset: 1px; }
#left .wrap:focus-within { outline: 3px solid #1d4ed8; outline-offset: 1px; }  /* a dropdown: one ring, around it */
#left .wrap input:focus-visible { outline: none !important; }
/* the review grid (ui/js/*.js): Gradio's theme colours, text never under 12 px, contrast >= 4.5:1 (issue 29) */
.meta, #articles-legend, #articles-legend *, footer .show-api, footer .show-api * { color: #4b5563 !important; }
#articles [role=gridcell][data-col="3"], #articles [role=gridcell][data-col="3"] * { white-space: nowrap; }
#articles .wb-open-article [role=gridcell] { background: #fef3c7 !important; font-weight: 600; }
#articles .wb-open-article [role=gridcell][data-col="0"] { box-shadow: inset 4px 0 0 #9a3412; }
#review-grid { --wb-bar-h: 0px; position: relative; }
#grid-host ::placeholder { color: #6b7280; opacity: 1; }
#grid-host input:not([type=checkbox]), #grid-host textarea, #grid-host select { border: 1px solid #6b7280; border-radius: 6px;
  background: var(--input-background-fill, #fff); color: var(--body-text-color); font: inherit; padding: 4px 8px; }
#grid-host input[type=checkbox] { -webkit-appearance: checkbox !important; appearance: auto !important; width: 16px; height: 16px;
  accent-color: #1d4ed8; margin: 0 4px 0 0; vertical-align: middle; }
#grid-host button, .wb-menu > summary { padding: 3px 10px; border: 1px solid #6b7280; border-radius: 6px; cursor: pointer;
  background: var(--button-secondary-background-fill, #f3f4f6); color: var(--button-secondary-text-color, #1f2937); font: inherit; }
#grid-host button:hover, .wb-menu > summary:hover { background: var(--button-secondary-background-fill-hover, #e5e7eb); }
#grid-host button.wb-primary { background: #9a3412; border-color: #9a3412; color: #fff; }
#grid-host small { font-size: max(12px, .8em); }
.wb-skip { position: absolute; left: -10000px; top: 0; } .wb-skip:focus { left: 8px; top: 8px; z-index: 60; background: #fff; padding: 4px 8px; }
/* the toolbar: one line (search, filters menu, counts and Approve per language, the message, the More menu) */
.wb-toolbar { position: sticky; top: 0; z-index: 6; background: var(--background-fill-primary, #fff); padding: 6px 0 6px;
  border-bottom: 1px solid var(--border-color-primary); box-shadow: 0 2px 4px rgba(0,0,0,.06); font-size: 14px; }
.wb-line { display: flex; flex-wrap: nowrap; gap: 6px; align-items: center; min-height: 32px; }
#wb-search { flex: 0 1 170px; min-width: 84px; }
.wb-menu { position: relative; flex: 0 0 auto; } .wb-menu > summary { list-style: none; white-space: nowrap; }
.wb-menu > summary::-webkit-details-marker { display: none; } .wb-menu > summary::after { content: " ▾"; }
.wb-menu[open] > summary { background: #dbeafe; border-color: #1d4ed8; }
.wb-menu-body { position: absolute; top: calc(100% + 4px); left: 0; z-index: 30; display: flex; flex-direction: column; gap: 8px;
  min-width: 230px; padding: 10px; background: var(--background-fill-primary, #fff); border: 1px solid #6b7280; border-radius: 8px;
  box-shadow: 0 6px 20px rgba(0,0,0,.18); }
.wb-menu-end .wb-menu-body { left: auto; right: 0; }
.wb-field { display: flex; flex-direction: column; gap: 2px; } .wb-field > span { font-weight: 600; color: #1f2937; }
.wb-counts { display: flex; flex: 0 0 auto; flex-wrap: nowrap; gap: 10px; align-items: center; }
.wb-count { white-space: nowrap; display: inline-flex; align-items: center; gap: 4px; }
.wb-status { color: #1f2937; }
.wb-bar { display: inline-block; width: 40px; height: 7px; background: #e5e7eb; border-radius: 4px; overflow: hidden; }
.wb-bar > span { display: block; height: 100%; background: #15803d; }
.wb-marker { display: inline-block; position: relative; } .wb-marker > summary { list-style: none; cursor: pointer; font-size: 12px;
  color: #92400e; font-weight: 600; border: 1px solid #92400e; border-radius: 8px; padding: 0 5px; }
.wb-marker > summary::-webkit-details-marker { display: none; }
.wb-marker-body { position: absolute; top: calc(100% + 4px); left: 0; z-index: 30; width: 260px; white-space: normal; padding: 8px;
  background: var(--background-fill-primary, #fff); border: 1px solid #92400e; border-radius: 6px; color: #1f2937; }
#wb-message { flex: 1 1 0; min-width: 0; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; margin: 0; }
#wb-message:hover, #wb-message:focus { white-space: normal; }
.wb-cat-line { flex: 0 1 auto; min-width: 0; max-width: 28%; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.wb-cat-bar { display: flex; flex-direction: column; gap: 6px; align-items: stretch; } .wb-cat-bar p { margin: 0; color: #4b5563; }
.wb-override, .wb-reopened { color: #92400e; font-weight: 600; }
.wb-note { min-height: 1.2em; margin: 2px 0; } .wb-ok { color: #15803d; } .wb-error { color: #b91c1c; }
.wb-warn { color: #92400e; } .wb-busy, .wb-meta { color: #4b5563; }
.wb-rownote { font-size: .85em; margin-top: 3px; }
/* the grid: the open row is never under the toolbar or the column header */
.wb-grid { width: 100%; border-collapse: collapse; table-layout: fixed; }
.wb-grid th { text-align: left; position: sticky; top: var(--wb-bar-h); z-index: 4; background: #f3f4f6; color: #1f2937; }
.wb-grid th:first-child, .wb-grid td.wb-num { width: 3.8em; text-align: right; color: #4b5563; }
.wb-grid td { vertical-align: top; padding: 6px; border-top: 1px solid var(--border-color-primary); overflow-wrap: anywhere; }
.wb-grid tr { scroll-margin-top: calc(var(--wb-bar-h) + 48px); }
.wb-grid td.wb-cell { cursor: text; } .wb-grid td.wb-cell:hover { background: var(--background-fill-secondary); }
.wb-grid td.wb-cell:focus-visible { outline-offset: -3px; }
.wb-grid td.wb-open { background: var(--background-fill-secondary); box-shadow: inset 3px 0 0 #9a3412; }
.wb-grid tr.wb-summary td { background: #f8fafc; }
#wb-editor { width: 100%; box-sizing: border-box; font: inherit; padding: 6px; border: 1px solid #9a3412;
  border-radius: 6px; resize: vertical; min-height: 60px; }
.wb-actions { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; margin-top: 4px; }
.wb-badges { margin-top: 3px; font-size: 13px; white-space: normal; }
.wb-badges > span { white-space: nowrap; font-size: 12px; }
.wb-state { padding: 0 5px; border-radius: 8px; background: #e5e7eb; color: #1f2937; } .wb-edited { background: #fef3c7; }
.wb-reviewed { background: #dbeafe; } .wb-approved { background: #dcfce7; } .wb-flags { color: #92400e; margin-left: 4px; }
.wb-flags.wb-blocking { color: #b91c1c; font-weight: 600; }
.wb-conf { margin-left: 4px; color: #374151; } .wb-conf.wb-low { color: #b91c1c; font-weight: 600; } .wb-draft { color: #6d28d9; font-weight: 600; }
.wb-saving { color: #4b5563; font-style: italic; }
/* the details of the open row: in use order, a panel of bounded height (scrolls inside), in view with the row */
.wb-details td { background: var(--background-fill-secondary); }
.wb-detail-grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(250px, 1fr)); gap: 10px 14px; font-size: 14px;
  max-height: min(34vh, 360px); overflow: auto; }
.wb-detail-grid section { min-width: 0; } .wb-detail-grid h4 { margin: 2px 0 4px; font-size: 14px; }
.wb-hist-text { white-space: pre-wrap; margin: 2px 0 8px 18px; }
.wb-history, .wb-detail-grid ol, .wb-detail-grid ul { padding-left: 18px; margin: 0; }
.wb-conflict { border: 2px solid #b91c1c; border-radius: 8px; padding: 8px; background: var(--background-fill-primary); }
.wb-conflict-actions { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 6px; }
.wb-two { display: grid; grid-template-columns: 1fr 1fr; gap: 10px; } .wb-mine, .wb-theirs { white-space: pre-wrap; }
#wb-help { position: fixed; inset: 0; background: rgba(0,0,0,.35); z-index: 50; display: flex; align-items: center;
  justify-content: center; } #wb-help[hidden] { display: none; }
.wb-help-box { background: var(--background-fill-primary); padding: 16px 20px; border-radius: 10px; max-width: 640px;
  max-height: 90vh; overflow: auto; }
kbd { border: 1px solid #6b7280; border-radius: 4px; padding: 0 4px; font-size: .9em; }
/* a narrower window: the article list gives the grid room */
@media (min-width: 761px) and (max-width: 1280px) {
  #left { min-width: 240px !important; max-width: 260px !important; flex: 0 0 250px !important; }
  .wb-toolbar { font-size: 13px; } #wb-search { flex-basis: 120px; }
}
@media (max-width: 760px) {
  #layout { flex-direction: column; }
  #left, #right { min-width: 0 !important; width: 100% !important; max-width: 100% !important; flex: 1 1 auto !important; }
  #articles { max-width: 100%; overflow-x: auto; }
  /* the toolbar collapses on a phone: it wraps and scrolls away with the page (nothing covers the open row) */
  .wb-toolbar { position: static; } .wb-line { flex-wrap: wrap; }
  #wb-message { flex-basis: 100%; white-space: normal; } .wb-cat-line { max-width: 100%; }
  .wb-grid thead { display: none; }
  .wb-grid, .wb-grid tbody, .wb-grid tr, .wb-grid td { display: block; width: auto !important; }
  .wb-grid tr[hidden] { display: none; }
  .wb-grid tr { border-top: 2px solid var(--border-color-primary); padding: 4px 0; scroll-margin-top: 8px; }
  .wb-grid td { border: 0; padding: 3px 4px; }
  .wb-grid td.wb-num { text-align: left; }
  .wb-grid td.wb-cell::before { content: attr(lang) " "; font-weight: 600; color: #4b5563; }
  .wb-two { grid-template-columns: 1fr; }
  .wb-detail-grid { max-height: 50vh; }
}
"""


@dataclass
class Shared:
    """Per-browser-session state the panels read and write."""

    article: gr.State  # the open article's id

    @classmethod
    def create(cls) -> Shared:
        return cls(gr.State(""))


def author(name: str, request: gr.Request | None) -> str:
    """Who saves: the login name with --auth, else the name typed in the page."""
    user = getattr(request, "username", None) if request is not None else None
    return user or (name or "").strip() or "reviewer"


class GradioProgress:
    """Adapts the batch Progress protocol to a gr.Progress bar."""

    def __init__(self, progress: Any):
        self.progress, self.total, self.done = progress, 0, 0

    def start(self, articles: int, units: int) -> None:
        self.total = max(units, 1)
        self.progress(0, desc="translating")

    def advance(self, units: int, tokens: int) -> None:
        self.done += units
        self.progress(min(self.done / self.total, 1.0), desc=f"{self.done}/{self.total} segments")

    def article_done(self, article_id: str) -> None:
        pass

    def close(self) -> None:
        pass


def choice(choices: list[str], **kwargs: Any) -> gr.Dropdown:
    """A dropdown whose value the handler checks (as every value from a client is): Gradio's own check of a value
    outside the choices prints a traceback into the server log for any client that sends one."""
    return gr.Dropdown(choices, allow_custom_value=True, **kwargs)


def choices(values: list[str], **kwargs: Any) -> gr.CheckboxGroup:
    """A checkbox group that hands what a client sent to the handler, which checks it (see `choice`). (Not a
    subclass: Gradio writes a .pyi file beside any module that defines a component class.)"""
    box = gr.CheckboxGroup(values, **kwargs)
    strict = box.preprocess

    def lenient(payload: Any) -> Any:
        try:
            return strict(payload)
        except (gr.Error, ValueError, TypeError):
            return payload

    box.preprocess = lenient  # type: ignore[method-assign]
    return box


def answer_malformed_events(app: gr.Blocks) -> None:
    """Any event called by hand (`/gradio_api/queue/join` with an `fn_index`) with other than its inputs' count,
    for a handler that runs only in the browser, without the event data its handler reads, or with a value its
    component cannot read, gets one clear error; Gradio printed a traceback for each (issue 27, item 8). Errors
    inside a handler are left as they are (a bug keeps its traceback)."""
    from gradio.exceptions import ComponentProcessingError

    original = app.process_api

    async def process_api(block_fn: Any, inputs: Any, *args: Any, **kwargs: Any) -> Any:
        fn = app.fns[block_fn] if isinstance(block_fn, int) else block_fn
        name = fn.api_name or fn.name or "this event"
        if fn.fn is None:
            raise gr.Error(f"{name} runs in the browser only", print_exception=False)
        count = len(fn.inputs)
        if not isinstance(inputs, list) or len(inputs) != count:
            given = len(inputs) if isinstance(inputs, list) else type(inputs).__name__
            raise gr.Error(f"{name} takes {count} value(s), got {given}", print_exception=False)
        needed = _event_keys(fn.fn)
        data = getattr(kwargs.get("event_data"), "_data", None)  # what the request sent as `event_data`
        if needed is not None and not (isinstance(data, dict) and needed <= set(data)):
            raise gr.Error(f"{name} needs the event's data ({', '.join(sorted(needed)) or 'an object'})",
                           print_exception=False)
        try:
            return await original(block_fn, inputs, *args, **kwargs)
        except ComponentProcessingError as exc:
            raise gr.Error(f"{name}: {str(exc).splitlines()[0][:300]}", print_exception=False) from None

    app.process_api = process_api  # type: ignore[method-assign]


@functools.lru_cache(maxsize=512)
def _event_keys(fn: Any) -> frozenset[str] | None:
    """The keys of the event data a handler reads (it takes a gr.SelectData: index and value), None when it takes
    no gr.EventData; Gradio builds that object from the request's `event_data`."""
    import inspect
    import typing

    try:
        hints = typing.get_type_hints(fn)
    except Exception:  # a hint that cannot be resolved: Gradio reads it the same way, so it takes none
        return None
    kinds = [h for h in hints.values() if inspect.isclass(h) and issubclass(h, gr.EventData)]
    if not kinds:
        return None
    return frozenset({"index", "value"} if any(issubclass(k, gr.SelectData) for k in kinds) else set())
