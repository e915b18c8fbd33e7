"""Evaluation against references: translate reference sources through the same engines, cache and settings as
`translate`, then score with sacrebleu (BLEU, chrF++ with word order 2, TER), each with its signature, and compare
two models with paired bootstrap resampling."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..choice.plan import ModelSet
from ..errors import WorkbenchError
from ..languages import SOURCE_LANG, TARGETS
from ..store import Store, reads

FLORES_CODES = {"arb_Arab": "ar", "ara_Arab": "ar", "eng_Latn": "en", "rus_Cyrl": "ru"}
Scores = dict[str, dict[str, Any]]  # metric → {score, signature}, as `score` returns them


@dataclass
class References:
    """Arabic sources and, per target language, one reference translation each."""

    sources: list[str]
    refs: dict[str, list[str]] = field(default_factory=dict)


def read_references(path: str | None = None, *, src: str | None = None, refs: list[str] | None = None) -> References:
    """A TSV (header `ar` and `en` and/or `ru`), JSONL or JSON list (objects with those keys) file, or FLORES-200-style
    parallel files: `--src X.arb_Arab --ref Y.eng_Latn` (the language from the file's suffix)."""
    if src:
        sources = _lines(src)
        out = References(sources)
        for ref in refs or []:
            lang = FLORES_CODES.get(Path(ref).suffix.lstrip("."))
            if lang not in TARGETS:
                raise WorkbenchError(f"{ref}: name the language by its suffix (.eng_Latn or .rus_Cyrl)")
            out.refs[lang] = _lines(ref)
            if len(out.refs[lang]) != len(sources):
                raise WorkbenchError(f"{ref} has {len(out.refs[lang])} lines, {src} has {len(sources)}")
        return out
    if not path:
        raise WorkbenchError("name a TSV/JSONL reference file, or --src and --ref files")
    rows = _jsonl(path) if path.endswith(".jsonl") else _json(path) if path.endswith(".json") else _tsv(path)
    if not rows or SOURCE_LANG not in rows[0]:
        raise WorkbenchError(f"{path}: needs an `{SOURCE_LANG}` column (and `en` and/or `ru`)")
    out = References([str(r[SOURCE_LANG]) for r in rows])
    for lang in TARGETS:
        if lang in rows[0]:
            out.refs[lang] = [str(r.get(lang) or "") for r in rows]
    return out


def _lines(path: str) -> list[str]:
    try:
        return Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise WorkbenchError(f"{path}: cannot be read as UTF-8 text ({exc})") from exc


def _tsv(path: str) -> list[dict[str, str]]:
    return list(csv.DictReader(_lines(path), delimiter="\t", quoting=csv.QUOTE_NONE))


def _json(path: str) -> list[dict[str, Any]]:
    try:
        rows = json.loads("\n".join(_lines(path)))
    except json.JSONDecodeError as exc:
        raise WorkbenchError(f"{path}: not JSON ({exc.msg})") from exc
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise WorkbenchError(f"{path}: a .json reference file must be a list of objects with ar, en, ru")
    return rows


def _jsonl(path: str) -> list[dict[str, Any]]:
    rows = []
    for number, line in enumerate(_lines(path), start=1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise WorkbenchError(f"{path}:{number}: not JSON ({exc.msg})") from exc
    return rows


def translate_sources(models: ModelSet, sources: list[str], langs: list[str]) -> dict[str, list[str]]:
    """Machine translations of `sources` per language, following the run plan (a pivot language first)."""
    plan = models.plan(langs)
    outputs: dict[str, list[str]] = {}
    for lang in [*plan.targets, *[lang for lang in plan.languages if lang not in plan.targets]]:
        if lang in outputs:
            continue
        step = plan.languages[lang]
        if step.via and step.via not in outputs:
            outputs[step.via] = plan.languages[step.via].translator.translate_texts(sources)
        outputs[lang] = step.translator.translate_texts(outputs[step.via] if step.via else sources)
    return {lang: outputs[lang] for lang in langs}


def score(hypotheses: list[str], references: list[str]) -> dict[str, dict[str, Any]]:
    """BLEU, chrF++ (word order 2) and TER with their sacrebleu signatures."""
    from sacrebleu.metrics import BLEU, CHRF, TER

    out = {}
    for name, metric in (("bleu", BLEU()), ("chrf++", CHRF(word_order=2)), ("ter", TER())):
        result = metric.corpus_score(hypotheses, [references])
        out[name] = {"score": round(result.score, 2), "signature": str(metric.get_signature())}
    return out


def paired_bootstrap(baseline: list[str], candidate: list[str], references: list[str],
                     samples: int = 1000) -> dict[str, dict[str, Any]]:
    """sacrebleu's paired bootstrap resampling: is the candidate's difference from the baseline significant?"""
    from sacrebleu.metrics import BLEU, CHRF
    from sacrebleu.significance import PairedTest

    metrics = {"bleu": BLEU(), "chrf++": CHRF(word_order=2)}
    test = PairedTest([("baseline", baseline), ("candidate", candidate)], metrics, [references], test_type="bs",
                      n_samples=samples)
    _, results = test()
    out = {}
    # sacrebleu names its results "BLEU" and "chrF2++" and gives some numbers as strings: here they are keyed as
    # `scores` is (bleu, chrf++) and every value is a number, as the README documents
    pairs = [pair for metric, pair in results.items() if metric != "System"]  # "System": the names, not a metric
    for metric, pair in zip(metrics, pairs, strict=True):
        base, cand = (r for r in pair if not isinstance(r, str))
        out[metric] = {"baseline": _number(base.score, 2), "candidate": _number(cand.score, 2),
                       "p_value": _number(cand.p_value, 4), "candidate_mean": _number(cand.mean, 2),
                       "candidate_ci95": _number(cand.ci, 2)}
    return out


def _number(value: Any, digits: int) -> float | None:
    return None if value is None else round(float(value), digits)


def comet_note() -> str:
    """COMET needs its own package and model weights; say whether it ran."""
    try:
        import comet  # noqa: F401
    except ImportError:
        return "COMET skipped: the unbabel-comet package is not installed (it also needs Unbabel/wmt22-comet-da)"
    return "COMET skipped: scoring with it is not wired in yet"


def approved_pairs(store: Store, langs: list[str]) -> dict[str, dict[str, tuple[list[str], list[str]]]]:
    """Per language and model: the machine outputs of segments in approved article languages, and the approved
    text of the same segments as their references (segments whose text is still the machine's are left out)."""
    out: dict[str, dict[str, tuple[list[str], list[str]]]] = {}
    for lang in langs:
        by_model: dict[str, tuple[list[str], list[str]]] = {}
        for article_id in reads.approved_articles(store, lang):
            machine = store.latest_machine_outputs(article_id)
            for key, revision in store.current_revisions(article_id).items():
                made = machine.get(key)
                if key[0] != "segment" or key[2] != lang or made is None or revision["origin"] == "machine":
                    continue
                model = made["provenance"].get("model", "?")
                if model == "translation-memory":
                    continue
                hyps, refs = by_model.setdefault(model, ([], []))
                hyps.append(made["text"])
                refs.append(revision["text"])
        out[lang] = by_model
    return out


# ---------------------------------------------------------------------- reports (`workbench eval`)
def _score_line(scores: Scores) -> str:
    return "  ".join(f"{metric} {value['score']:.2f}" for metric, value in scores.items())


@dataclass(frozen=True)
class Comparison:
    """Another model on the same references, and sacrebleu's paired bootstrap test of the difference."""

    model: str
    scores: Scores
    paired_bootstrap: dict[str, dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        return {"model": self.model, "scores": self.scores, "paired_bootstrap": self.paired_bootstrap}


@dataclass(frozen=True)
class LanguageScores:
    """One language's scores for the selected model, and the comparison when one was asked for."""

    model: str
    scores: Scores
    compare: Comparison | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"model": self.model, "scores": self.scores}
        if self.compare:
            out["compare"] = self.compare.to_dict()
        return out


@dataclass(frozen=True)
class EvalReport:
    """`workbench eval`: the sentences scored, the COMET note, and per language the scores (and comparison)."""

    sentences: int
    note: str
    languages: dict[str, LanguageScores]

    def to_dict(self) -> dict[str, Any]:
        return {"sentences": self.sentences, "note": self.note,
                "languages": {lang: entry.to_dict() for lang, entry in self.languages.items()}}

    def lines(self) -> Iterator[str]:
        for lang, entry in self.languages.items():
            yield f"{lang}  {entry.model}: {_score_line(entry.scores)}"
            if entry.compare:
                yield f"{lang}  {entry.compare.model}: {_score_line(entry.compare.scores)}"
                for metric, v in entry.compare.paired_bootstrap.items():
                    yield f"{lang}  {metric}: {v['baseline']:.2f} → {v['candidate']:.2f}, p = {v['p_value']:.4f}"
            yield from (f"    {metric} signature: {v['signature']}" for metric, v in entry.scores.items())
        yield f"{self.sentences} sentences. {self.note}"


def evaluate_languages(references: References, langs: list[str] | None) -> list[str]:
    """The languages to score: those asked for (each must have references), else every one the references have."""
    chosen = langs or [lang for lang in TARGETS if lang in references.refs]
    missing = [lang for lang in chosen if lang not in references.refs]
    if not chosen or missing:
        raise WorkbenchError(f"the references have no {', '.join(missing) or 'target language'} column")
    return chosen


def evaluate(models: ModelSet, references: References, langs: list[str] | None = None,
             compare: Callable[[str], ModelSet] | None = None) -> EvalReport:
    """Translate the references' sources with `models` and score each language; with `compare` (a language →
    the model set whose model for that language is the other one), translate with that too and test the
    difference by paired bootstrap resampling."""
    chosen = evaluate_languages(references, langs)
    hyps = translate_sources(models, references.sources, chosen)
    languages = {}
    for lang in chosen:
        refs = references.refs[lang]
        other = None
        if compare:
            theirs_models = compare(lang)
            theirs = translate_sources(theirs_models, references.sources, [lang])[lang]
            other = Comparison(theirs_models.model_id(lang), score(theirs, refs), paired_bootstrap(hyps[lang], theirs, refs))
        languages[lang] = LanguageScores(models.model_id(lang), score(hyps[lang], refs), other)
    return EvalReport(len(references.sources), comet_note(), languages)


@dataclass(frozen=True)
class ModelScores:
    """One model's stored outputs scored against the approved text of the same segments."""

    segments: int
    scores: Scores

    def to_dict(self) -> dict[str, Any]:
        return {"segments": self.segments, "scores": self.scores}


@dataclass(frozen=True)
class ApprovedReport:
    """`workbench eval --approved`: per language and model, its machine output against the approved text."""

    languages: dict[str, dict[str, ModelScores]]

    def to_dict(self) -> dict[str, Any]:
        return {"approved": {lang: {model: entry.to_dict() for model, entry in models.items()}
                             for lang, models in self.languages.items()}}

    def lines(self) -> Iterator[str]:
        for lang, models in self.languages.items():
            if not models:
                yield f"{lang}: no edited segments in approved articles yet"
            for model, entry in models.items():
                yield f"{lang}  {model} ({entry.segments} segments): {_score_line(entry.scores)}"


def evaluate_approved(store: Store, langs: list[str]) -> ApprovedReport:
    """Score the stored machine output of every edited segment in approved article languages, per model."""
    return ApprovedReport({lang: {model: ModelScores(len(hyps), score(hyps, refs)) for model, (hyps, refs) in models.items()}
                           for lang, models in approved_pairs(store, langs).items()})
