"""What the profiles use, and where it is: every profile's models with their route, licence and whether this
machine has them (`workbench models list`)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..settings import Home
from .catalog import CATALOG, PERMISSIVE, licence_of
from .locate import local_copy
from .profiles import PROFILES


@dataclass(frozen=True)
class ModelEntry:
    """One model of a profile (or a catalogued alternative): its role, route, licence and local copy."""

    profile: str  # "-" for an alternative no profile uses
    role: str  # a target language, "summary" or "alternative"
    model: str
    route: str
    via: str | None
    task: str
    licence: str
    where: str | None  # the folder on this machine, None when it is not here
    note: str

    @property
    def permissive(self) -> bool:
        return self.licence in PERMISSIVE

    def to_dict(self) -> dict[str, Any]:
        return {"profile": self.profile, "role": self.role, "model": self.model, "route": self.route, "via": self.via,
                "task": self.task, "licence": self.licence, "permissive": self.permissive,
                "available": self.where is not None, "where": self.where, "note": self.note}


def _entry(home: Home, profile: str, role: str, spec: str, route: str, via: str | None,
           task: str) -> ModelEntry:
    return ModelEntry(profile, role, spec, route, via, task, licence_of(spec), local_copy(spec, home),
                      CATALOG[spec].note if spec in CATALOG else "")


@dataclass(frozen=True)
class ModelInventory:
    """Every profile's models, then the catalogued alternatives; `lines()` is the text `models list` prints."""

    entries: tuple[ModelEntry, ...]
    compute: dict[str, Any] | None = None  # what `auto` runs on this CPU (choice.compute.choices)

    def to_dict(self) -> list[dict[str, Any]]:
        return [entry.to_dict() for entry in self.entries]

    def lines(self) -> Iterator[str]:
        for e in self.entries:
            mark = "" if e.permissive else "  (not permissive)"
            here = "available" if e.where is not None else "not here"
            yield f"{e.profile:8} {e.role:11} {e.model:42} {e.route:22} {here:9}  {e.licence}{mark}"
        yield ("not here: `workbench models pull --profile NAME` or `--model ID` on a connected machine "
               "(tiny models are built locally when first used)")
        yield from compute_lines(self.compute)


def compute_lines(compute: dict[str, Any] | None) -> Iterator[str]:
    """What `auto` runs on this CPU per stage (measured or by the rules) and each summarizer's measured pace."""
    if not compute:
        return
    stages = ", ".join(f"{stage} {c['candidate']} ({c['source']})" for stage, c in compute["stages"].items())
    yield f"on this CPU ({compute['cpu']}, {compute['threads']} threads), auto runs: {stages}"
    for key, pace in compute["summary_pace"].items():
        alone, batched = pace.get("alone_s"), pace.get("batched_s")
        yield (f"  summaries by {key}: batches of {pace['batch_size']} (measured: "
               f"{'-' if alone is None else f'{alone:.2f} s'} a summary alone, "
               f"{'-' if batched is None else f'{batched:.2f} s'} in a batch of {pace.get('batched_size') or '-'})")


def inventory(home: Home) -> ModelInventory:
    """Every profile's translation routes (ru via en: Russian is translated from the English text) and summarizer,
    then each catalogued model no profile uses."""
    entries = []
    for p in PROFILES.values():
        for lang, route in p.routes.items():
            via = route.via
            entries.append(_entry(home, p.name, lang, route.model,
                                  f"ar→{via}→{lang} ({lang} via {via})" if via else f"ar→{lang}", via,
                                  f"{via or 'ar'}→{lang}"))
        entries.append(_entry(home, p.name, "summary", p.summarizer, "summary", None, "summary"))
    used = {e.model for e in entries}
    entries += [_entry(home, "-", "alternative", c.id, c.task, None, c.task) for c in CATALOG.values() if c.id not in used]
    from .compute import choices

    return ModelInventory(tuple(entries), choices(home))
