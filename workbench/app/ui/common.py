"""What every panel shares: the page's CSS and keyboard script, the per-session state, the reviewer's name."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gradio as gr

CSS = """
/* Gradio 6 renders table bodies as a virtual grid of [role=gridcell] cells with data-col indexes. */
#segments [role=gridcell][data-col="2"], #segments [role=gridcell][data-col="2"] *, #segments th:nth-child(3),
#articles [role=gridcell][data-col="0"], #articles [role=gridcell][data-col="0"] *, .ar, #source-ar textarea {
  direction: rtl; text-align: right; unicode-bidi: plaintext;
  font-family: "Noto Naskh Arabic", "Noto Sans Arabic", "Amiri", "DejaVu Sans", serif; font-size: 1.05em;
}
#segments [role=gridcell] span, #articles [role=gridcell] span, #history [role=gridcell] span { font-family: var(--font); }
.meta { color: var(--body-text-color-subdued); margin: 2px 0; }
.warning { color: #b45309; font-weight: 600; margin: 4px 0; }
.diff del { background: #fde2e2; text-decoration: line-through; }
.diff ins { background: #dcfce7; text-decoration: none; }
"""

# Ctrl+Enter (Cmd+Enter) in an editor box clicks its save button: #edit-X → #save-X.
HEAD = """
<script>
document.addEventListener('keydown', (e) => {
  if (!(e.key === 'Enter' && (e.ctrlKey || e.metaKey))) return;
  const box = e.target.closest && e.target.closest('[id^="edit-"]');
  if (!box) return;
  const button = document.getElementById('save-' + box.id.slice(5));
  if (button) { e.preventDefault(); button.click(); }
});
</script>
"""


@dataclass
class Shared:
    """Per-browser-session state the panels read and write."""

    article: gr.State  # the open article's id
    segment_ids: gr.State  # ids of the rows of the segment table, in order
    segment: gr.State  # the segment open in the editor
    base_revision: gr.State  # the revision the editor's text was loaded from (conflict detection)
    summary_revisions: dict[str, gr.State]  # lang → revision the summary box was loaded from
    opened_at: gr.State  # when the editor's segment was opened (server clock): the effort report's editing time

    @classmethod
    def create(cls) -> Shared:
        return cls(gr.State(""), gr.State([]), gr.State(""), gr.State(None),
                   {"en": gr.State(None), "ru": gr.State(None)}, gr.State(None))


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
