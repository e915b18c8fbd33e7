"""From a selection to loaded models: the plan of a run.

`ModelSet` turns a `Selection` into models, each located, licence-checked, loaded once per process and
wrapped in the translation cache. `ModelSet.plan(targets, summarize)` decides once, per language, which engine
and model write it, from which language (Arabic or a pivot) and with which settings, and which model writes the
summaries; the code in `runs/` only follows that plan (it never sees the `ModelSet`), and the plan counts the
tokens its models generate.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..errors import EngineUnavailable, WorkbenchError
from ..languages import SOURCE_LANG
from ..models.base import Options, Summarizer, SummaryOptions, Translator
from ..models.registry import DEFAULT_ENGINE, ENGINE_MODULES, Engine, get_engine, make_translator
from ..models.wrappers import CachedSummarizer, CachedTranslator, TranslationCache
from ..settings import Home
from .catalog import check_licence
from .compute import compute_for, preferred_engine
from .locate import is_llm, locate
from .profiles import Selection
from .threads import apply_threads, current_threads


def build_translator(engine: Engine | str, spec: str, source: str, target: str,
                     options: dict[str, Any] | Options | None = None, *, device: str = "auto",
                     home: Home, profile: str | None = None) -> Translator:
    """`engine`'s translator for `spec`, its files located (a failure names `profile` in its pull hint) and its
    compute type resolved first; an instruction LLM gets the engine's LLM translator."""
    engine = get_engine(engine) if isinstance(engine, str) else engine
    values = options.to_dict() if isinstance(options, Options) else dict(options or {})
    located = locate(spec, f"{source}→{target} translation", home=home, profile=profile)
    compute = compute_for(engine, located, str(values.get("compute_type", "auto")), "translation", device, home)
    return make_translator(engine, located, source, target, values, llm=is_llm(spec, home), compute_type=compute,
                           threads=current_threads(), device=device, **_folders(engine, home))


def build_summarizer(engine: Engine | str, spec: str, options: SummaryOptions | None = None, *, device: str = "auto",
                     home: Home, profile: str | None = None) -> Summarizer:
    """`engine`'s summarizer for `spec`, located and its compute type resolved first."""
    engine = get_engine(engine) if isinstance(engine, str) else engine
    located = locate(spec, "summaries", home=home, profile=profile)
    compute = compute_for(engine, located, options.compute_type if options else "auto", "summaries", device, home)
    made: Summarizer = engine.make_summarizer(located, options=options, compute_type=compute,
                                             threads=current_threads(), device=device, **_folders(engine, home))
    return made


def _folders(engine: Engine, home: Home) -> dict[str, Any]:
    """The folders an engine is handed: where one that converts models caches them ($WORKBENCH_CT2_DIR or home's)."""
    return {"conversions": home.ct2} if engine.converts else {}


@dataclass
class LanguagePlan:
    """How one target language is made: the (cached) model that writes it, and what it reads."""

    lang: str
    translator: Translator
    source_lang: str  # "ar", or the pivot language whose current text is the input
    first_model: str | None = None  # the pivot language's model, for provenance

    @property
    def via(self) -> str | None:
        return None if self.source_lang == SOURCE_LANG else self.source_lang

    @property
    def model_id(self) -> str:
        return self.translator.info.id


@dataclass
class RunPlan:
    """Every language a run writes (pivot languages first) and, when it summarizes, the summarizer: every model
    the run uses, with the profile and prompt templates that provenance and summaries need."""

    targets: list[str]
    languages: dict[str, LanguagePlan]
    profile: str
    home: Home  # the data home (its measured summary pace; its glossary goes into LLM translators' prompts)
    summarizer: Summarizer | None = None
    templates: dict[str, str] = field(default_factory=dict)  # lang → prompt template name (config.toml)
    selection: dict[str, Any] = field(default_factory=dict)  # what was chosen (profile, models, routes): for reports
    meaningless: bool = False  # tiny random-weight models: their outputs are marked meaningless
    engines: dict[str, dict[str, Any]] = field(default_factory=dict)  # per role: engine asked for, used, and why

    def summary_model(self) -> Summarizer:
        """The summarizer; a plan made without `summarize` has none (a bug in the caller, not the user's error)."""
        if self.summarizer is None:
            raise WorkbenchError("this run plan was made without a summarizer (plan(..., summarize=True))")
        return self.summarizer

    def tokens_generated(self) -> int:
        """Tokens generated so far by the plan's models (each counted once, a pivot model too)."""
        models: dict[int, Translator | Summarizer] = {id(p.translator): p.translator for p in self.languages.values()}
        if self.summarizer is not None:
            models[id(self.summarizer)] = self.summarizer
        return sum(model.tokens_generated for model in models.values())


@dataclass
class EngineChoice:
    """Which engine a role (en, ru, summarizer) runs on, and why when "auto" did not get its first pick."""

    requested: str
    used: str
    note: str | None = None


class ModelSet:
    """The models of one selection, created on first use and kept for the life of the process."""

    def __init__(self, selection: Selection, home: Home):
        self.selection = selection
        self.home = home
        self.cache = TranslationCache(home.cache / "translations.sqlite")
        self.choices: dict[str, EngineChoice] = {}
        self._direct: dict[tuple[str, str, str], Translator] = {}
        self._languages: dict[str, LanguagePlan] = {}
        self._summarizer: Summarizer | None = None
        apply_threads(selection.threads)

    # ------------------------------------------------------------------ engines
    def _engine_order(self, role: str) -> list[str]:
        requested = self.selection.engines.get(role) or self.selection.engine or "auto"
        if requested == "auto":
            order = [name for name in ENGINE_MODULES if name != DEFAULT_ENGINE] + [DEFAULT_ENGINE]
            spec = self.selection.summarizer if role == "summarizer" else self.selection.routes[role].model \
                if role in self.selection.routes else ""
            first = preferred_engine(spec, "summaries" if role == "summarizer" else "translation",
                                     self.selection.device, self.home)  # the fastest here (choice.compute)
            return sorted(order, key=lambda name: name != first)
        get_engine(requested)  # a typed error for an unknown name
        return [requested]

    def planned_engines(self, device: str) -> dict[str, str]:
        """Per role (each target language, "summary"): the engine its model would be built with on `device` (a
        resolved one: cpu, cuda …), without loading it; a model the engine then cannot run still falls back."""
        roles = {lang: lang for lang in self.selection.routes} | {"summary": "summarizer"}
        out: dict[str, str] = {}
        for shown, role in roles.items():
            order = self._engine_order(role)
            out[shown] = next((n for n in order if get_engine(n).unavailable(device) is None), order[-1])
        return out

    def _build(self, role: str, make: Any) -> Any:
        """Build a model with the first engine of the role's order that can run it; record the choice."""
        order = self._engine_order(role)
        requested = self.selection.engines.get(role) or self.selection.engine or "auto"
        notes: list[str] = []
        for name in order:
            engine: Engine | None = None
            try:
                engine = get_engine(name)
                reason = engine.unavailable(self.selection.device)
                if reason:
                    raise EngineUnavailable(reason)
                model = make(engine)
            except (EngineUnavailable, ImportError) as exc:
                if len(order) == 1:
                    raise EngineUnavailable(f"engine {name} cannot run this model: {exc}") from exc
                notes.append(f"{name}: {exc}")
                continue
            model.info.engine = name
            self.choices[role] = EngineChoice(requested, name, "; ".join(notes) or None)
            return model
        raise WorkbenchError(f"no engine can run the {role} model: {'; '.join(notes)}")

    # ------------------------------------------------------------------ translators
    def _direct_translator(self, spec: str, source: str, target: str, role: str) -> Translator:
        key = (spec, source, target)
        if key not in self._direct:
            options = dict(self.selection.translation_options)

            def make(engine: Engine) -> Translator:  # an LLM translator for an instruction LLM (models.llm)
                return build_translator(engine, spec, source, target, options, device=self.selection.device,
                                        home=self.home, profile=self.selection.profile)

            inner: Translator = self._build(role, make)
            check_licence(inner.info.id, inner.info.licence, self.selection.licence)
            self._direct[key] = CachedTranslator(inner, self.cache)
        return self._direct[key]

    def language(self, lang: str) -> LanguagePlan:
        """How Arabic becomes `lang`: directly, or from the current text of the route's pivot language."""
        if lang not in self.selection.routes:
            raise WorkbenchError(f"no model for target language {lang!r}; known: {', '.join(self.selection.routes)}")
        if lang not in self._languages:
            route = self.selection.routes[lang]
            if route.via:
                first = self.language(route.via)
                translator = self._direct_translator(route.model, route.via, lang, lang)
                self._languages[lang] = LanguagePlan(lang, translator, route.via, first.model_id)
            else:
                self._languages[lang] = LanguagePlan(lang, self._direct_translator(route.model, SOURCE_LANG, lang, lang),
                                                     SOURCE_LANG)
        return self._languages[lang]

    def translator(self, lang: str) -> Translator:
        """The (cached) model that writes `lang`; for a pivot route, the second hop."""
        return self.language(lang).translator

    def model_id(self, lang: str) -> str:
        return self.language(lang).model_id

    def plan(self, targets: list[str], summarize: bool = False) -> RunPlan:
        """Locate, licence-check and choose engines for every model the run needs, before any data is touched;
        pivot languages come first so that English exists before Russian is made from it."""
        ordered: list[str] = []

        def add(lang: str) -> None:
            plan = self.language(lang)
            if plan.via and plan.via in targets:
                add(plan.via)
            if lang not in ordered:
                ordered.append(lang)

        for lang in targets:
            add(lang)
        languages = {lang: self.language(lang) for lang in ordered}
        for lang_plan in list(languages.values()):
            if lang_plan.via:
                languages.setdefault(lang_plan.via, self.language(lang_plan.via))
        summarizer = self.summarizer() if summarize else None
        return RunPlan(ordered, languages, self.selection.profile, self.home, summarizer, dict(self.selection.templates),
                       selection=self.selection.to_dict(), meaningless=self.selection.meaningless,
                       engines=self.engines_used())

    def suggesters(self, specs: list[tuple[str, str]]) -> list[LanguagePlan]:
        """For each (language, model), the further translator whose outputs a run stores as suggestions beside the
        text (`translate --suggest`): from Arabic, or from the current English when the model takes English."""
        from .profiles import guess_via

        out = []
        for lang, spec in dict.fromkeys(specs):
            source = guess_via(spec, lang) or SOURCE_LANG
            out.append(LanguagePlan(lang, self._direct_translator(spec, source, lang, f"suggest:{lang}"), source))
        return out

    # ------------------------------------------------------------------ summaries
    def summarizer(self) -> Summarizer:
        if self._summarizer is None:
            options = SummaryOptions.from_dict(self.selection.summary_options, "summary options") \
                if self.selection.summary_options else None

            def make(engine: Engine) -> Summarizer:
                return build_summarizer(engine, self.selection.summarizer, options, device=self.selection.device,
                                        home=self.home, profile=self.selection.profile)

            inner: Summarizer = self._build("summarizer", make)
            check_licence(inner.info.id, inner.info.licence, self.selection.licence)
            self._summarizer = CachedSummarizer(inner, self.cache)
        return self._summarizer

    def engines_used(self) -> dict[str, dict[str, Any]]:
        """Per role: the engine asked for, the one used, and why "auto" fell back (for reports)."""
        return {role: {"requested": c.requested, "used": c.used, "note": c.note} for role, c in self.choices.items()}

