"""Plain text: each translation rebuilt from its segments, with its summary."""

from __future__ import annotations

from ...review.views import translation_text
from ..registry import MEANINGLESS_BANNER, ExportOptions, Format, Item, register


def export_txt(items: list[Item], opts: ExportOptions) -> bytes:
    blocks = []
    for view, langs in items:
        for lang in langs:
            head = f"# {view.id} [{lang}]"
            if view.meaningless:
                head += f" {MEANINGLESS_BANNER}"
            summary = view.summaries.get(lang)
            body = translation_text(view, lang, source=opts.source)
            blocks.append(head + ("\n\n" + summary.text if summary else "") + "\n\n" + body)
    return ("\n\n".join(blocks) + "\n").encode("utf-8")


register(Format("txt", "txt", export_txt, "the translation rebuilt from segments"))
