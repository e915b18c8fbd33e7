"""The LLM translator role (issue 20) with tiny random-weight models of the real architectures (Qwen3, Llama,
Gemma 3; a byte-level BPE vocabulary trained on seeds/) built at test time: both engines, the prompt (context,
glossary terms, thinking off), the answer parser, cache keys, the routes, licences, suggestions and the bench."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from workbench.errors import LicenceRefused, TemplateError
from workbench.models.llm import (
    LLM_FLAGS,
    LLMOptions,
    Request,
    parse_output,
    render,
    sentence_count,
)
from workbench.models.prompts import load_translation_template, parse_template
from workbench.settings import Home
from workbench.testing.tiny import arabic_corpus

from .conftest import SEEDS

ARTICLE = "003_70140ed69b948bf5"
ARCHS = ("qwen3", "llama", "gemma3")
FAST_END_TO_END = ("gemma3", "ct2")  # the cheapest pair; the others are in the slow tier
OPTIONS = LLMOptions(max_new_tokens=12, compute_type="float32", context_segments=2)


def requests(count: int) -> list[Request]:
    """Seed segments with the two before each as context (no translations yet), as a run makes them."""
    lines = [line for line in arabic_corpus() if len(line) > 10][:count]
    return [Request(line, lines[0], tuple((lines[j], "") for j in range(max(0, i - 2), i))) for i, line in enumerate(lines)]


# --------------------------------------------------------------------------- both engines, every architecture
@pytest.mark.parametrize("arch", ARCHS)
def test_ctranslate2_float32_gives_the_transformers_output_and_batches_give_one_at_a_time(arch, home):
    from workbench.choice.plan import build_translator

    reqs = requests(12)
    hf = build_translator("transformers", f"tiny:{arch}", "ar", "en", OPTIONS, home=Home(home))
    ct2 = build_translator("ct2", f"tiny:{arch}", "ar", "en", OPTIONS, home=Home(home))
    ref, fast = hf.translate(reqs), ct2.translate(reqs)
    same = sum(a.raw == b.raw for a, b in zip(ref, fast, strict=True))
    assert same >= 0.95 * len(reqs), f"{arch}: {same}/{len(reqs)} identical"
    assert [hf.translate([r])[0].raw for r in reqs[:4]] == [o.raw for o in ref[:4]]  # left-padded batches
    assert [ct2.translate([r])[0].raw for r in reqs[:4]] == [o.raw for o in fast[:4]]
    for a, b in zip(ref, fast, strict=True):  # confidence from the answer tokens' log-probabilities, on both
        assert a.confidence is not None and b.confidence is not None
        assert a.confidence.tokens == b.confidence.tokens <= hf.cap(a_req := reqs[ref.index(a)]) and 0 < a.confidence.score <= 1
        assert abs(a.confidence.mean_logprob - b.confidence.mean_logprob) < 1e-3, a_req.text
    assert hf.settings() == ct2.settings()  # float32: the same cache entries
    assert (hf.info.engine, ct2.info.engine, ct2.info.dtype) == ("transformers", "ct2", "float32")


def test_the_chat_template_stop_tokens_thinking_switch_and_length_cap(home):
    from workbench.choice.plan import build_translator

    qwen3 = build_translator("transformers", "tiny:qwen3", "ar", "en", OPTIONS, home=Home(home))
    _, ids = qwen3.prompt_ids(Request("قال لافروف"))
    prompt = qwen3.tokenizer.decode(ids)
    assert prompt.startswith("<|im_start|>system\n") and prompt.endswith("<|im_start|>assistant\n<think>\n\n</think>\n\n")
    assert qwen3.chat_kwargs() == {"enable_thinking": False}  # the template's switch, off
    tok = qwen3.tokenizer.convert_tokens_to_ids
    assert tok("<|im_end|>") in qwen3.stops and tok("<|endoftext|>") in qwen3.stops
    llama = build_translator("transformers", "tiny:llama", "ar", "ru", OPTIONS, home=Home(home))
    assert llama.chat_kwargs() == {}
    assert {llama.tokenizer.convert_tokens_to_ids(t) for t in ("<|eot_id|>", "<|end_of_text|>")} <= set(llama.stops)
    gemma = build_translator("transformers", "tiny:gemma3", "en", "ru", OPTIONS, home=Home(home))
    text = gemma.tokenizer.decode(gemma.prompt_ids(Request("Lavrov said."))[1])
    assert text.startswith("<bos><start_of_turn>user\nYou are a professional news translator") and "system" not in text
    assert gemma.tokenizer.convert_tokens_to_ids("<end_of_turn>") in gemma.stops
    pieces = len(qwen3.tokenizer("قال لافروف", add_special_tokens=False)["input_ids"])
    long = LLMOptions(max_new_tokens=500, max_length_ratio=2.0, max_length_extra=5)
    assert build_translator("transformers", "tiny:qwen3", "ar", "en", long, home=Home(home)).cap(Request("قال لافروف")) == 2 * pieces + 5
    assert qwen3.cap(Request("قال لافروف")) == 12  # within max_new_tokens


@pytest.mark.parametrize("engine", ["transformers", "ct2"])
def test_translategemma_gets_its_structured_content_and_the_segment_alone(engine, home):
    """TranslateGemma's chat template takes {type, source_lang_code, target_lang_code, text} items and writes its
    own instruction: the model gets its own template (found from the chat template), the segment alone, and
    provenance and the cache key say that no context or glossary term was sent."""
    from workbench import Workbench
    from workbench.choice.plan import ModelSet
    from workbench.choice.profiles import select

    selection = select("tiny-llm", models={"en": "tiny:translategemma", "ru": "tiny:translategemma"}, engine=engine,
                       home=Home(home))
    with Workbench(home, model_set=ModelSet(selection, home=Home(home))) as wb:
        translator = wb.models.translator("ru").inner
        assert translator.template.name == "translategemma-ar-ru" and translator.template.content == "translategemma"
        rendered, ids = translator.prompt_ids(Request("قال لافروف", "العنوان", (("سابق", "earlier"),), (("لافروف", "Лавров"),)))
        prompt = translator.tokenizer.decode(ids)
        assert "You are a professional Arabic (ar) to Russian (ru) translator." in prompt
        assert prompt.endswith(":\n\n\nقال لافروف<end_of_turn>\n<start_of_turn>model\n") and "earlier" not in prompt
        assert rendered.request.context == () and rendered.request.terms == () and rendered.request.title == ""
        assert wb.translate([str(SEEDS / f"{ARTICLE}.txt")], ["en", "ru"]).ok
        seg = next(s for s in wb.article(ARTICLE).to_dict()["segments"] if "لافروف" in s["source_text"])
    made = seg["targets"]["ru"]["machine"]["provenance"]
    assert made["llm"]["template"]["name"] == "translategemma-ar-ru" and made["task"] == "ar→ru"
    assert made["llm"]["context_segments"] == 0 and made["llm"]["terms"] == []
    assert made["engine"] == engine


# --------------------------------------------------------------------------- the prompt
def test_the_rendered_prompt_holds_the_preceding_segments_and_exactly_the_terms_in_the_segment(home):
    from workbench import Workbench
    from workbench.runs.context import Snapshot, glossary_for, glossary_of, requests_for

    with Workbench(home, profile="tiny-llm", engine="transformers") as wb:
        ids, _ = wb.resolve([str(SEEDS / f"{ARTICLE}.txt")])
        plan = wb.models.plan(["en"])
        lang = plan.languages["en"]
        segs = [s for s in wb.store.segments(ARTICLE) if s["kind"] != "meta"]
        first = wb.translate(ids, ["en"])  # the first segments get translations to be context
        assert first.ok
        reqs = requests_for(Snapshot.load(wb.store, ARTICLE), lang, [(s, s["source_text"], None) for s in segs],
                            glossary_for(wb.store, lang))
        glossary = glossary_of(wb.store)  # the glossary's terms and the entity ledger's confirmed forms
        current = wb.store.current_revisions(ARTICLE)
        for i, (seg, req) in enumerate(zip(segs, reqs, strict=True)):
            rendered = render(lang.translator.inner.template, req, 3)
            assert [c[0] for c in rendered.request.context] == [s["source_text"] for s in segs[max(0, i - 3):i]]
            for before in segs[max(0, i - 3):i]:  # each with its current translation
                assert before["source_text"] in rendered.user
                assert current[("segment", before["id"], "en")]["text"] in rendered.user
            found = {t.ar[0]: " / ".join(t.en) for t in glossary.find(seg["source_text"])}
            assert dict(req.terms) == found  # exactly the terms in the segment, none of its neighbours'
            for term in glossary.terms:
                assert (f"- {term.ar[0]} → " in rendered.user) == (term.ar[0] in found)
            assert rendered.user.rstrip().endswith(f"Arabic: {seg['source_text']}\nEnglish:")
        assert any(req.terms for req in reqs) and any(not req.terms for req in reqs)


def test_a_template_with_an_unknown_variable_is_a_clear_error():
    with pytest.raises(TemplateError, match=r"unknown variables author; known: context, segment"):
        parse_template("translate-x", b'kind = "translation"\nsource = "ar"\nlanguage = "en"\nuser = "{author}: {segment}"\n'
)
    with pytest.raises(TemplateError, match="translates ar→en, not ar→ru"):
        load_translation_template("ar", "ru", "translate-ar-en")
    template = load_translation_template("en", "ru")
    assert template.variables() == {"segment", "title", "context", "terms", "source_language", "target_language"}
    structured = b'kind = "translation"\ncontent = "translategemma"\nsource = "ar"\nlanguage = "en"\n'
    with pytest.raises(TemplateError, match="unknown variables context; known: segment"):
        parse_template("translategemma-x", structured + b'user = "{context} {segment}"\n')  # its template shows no context
    with pytest.raises(TemplateError, match="without a system text"):
        parse_template("translategemma-x", structured + b'system = "Be terse."\nuser = "{segment}"\n')
    with pytest.raises(TemplateError, match="content must be one of text, translategemma"):
        parse_template("translate-x", b'kind = "translation"\ncontent = "xml"\nuser = "{segment}"\nlanguage = "en"\n')


# --------------------------------------------------------------------------- the answer parser
REQ = Request("قال لافروف إن العلاقات قوية.", "لافروف يزور أستانا",
              (("التقى الوزيران في موسكو يوم الاثنين.", "The ministers met in Moscow on Monday."),))


@pytest.mark.parametrize("raw", ["Here is the translation:\nLavrov said relations are strong.",
                                 "Sure! Here's the English translation: Lavrov said relations are strong.",
                                 "English: Lavrov said relations are strong.",
                                 "Translation:\n\nLavrov said relations are strong."])
def test_the_parser_removes_a_preamble_and_says_so(raw):
    out = parse_output(raw, REQ, "en", "ar")
    assert out.text == "Lavrov said relations are strong." and not out.flags
    assert any(n.startswith("removed the preamble") for n in out.notes)


@pytest.mark.parametrize("raw", ['"Lavrov said relations are strong."', "«Lavrov said relations are strong.»",
                                 "“Lavrov said relations are strong.”"])
def test_the_parser_removes_quotes_around_the_answer(raw):
    out = parse_output(raw, REQ, "en", "ar")
    assert out.text == "Lavrov said relations are strong." and not out.flags and "removed the quotes" in out.notes[0]
    quoted = Request("«العلاقات قوية»")  # a quote the source has is kept
    assert parse_output("«Relations are strong»", quoted, "en", "ar").text == "«Relations are strong»"


def test_the_parser_removes_a_trailing_explanation_and_flags_extra_lines():
    out = parse_output("Lavrov said relations are strong.\n\nNote: I translated العلاقات as relations.", REQ, "en", "ar")
    assert out.text == "Lavrov said relations are strong." and not out.flags and "removed an explanation" in out.notes[0]
    extra = parse_output("Lavrov said relations are strong.\nHe also met Tokayev.", REQ, "en", "ar")
    assert extra.flags == ("extra_sentences",) and extra.text == "Lavrov said relations are strong.\nHe also met Tokayev."
    assert "2 sentences on 2 lines where the segment has 1 on 1" in extra.notes[0]  # kept, flagged, said why
    assert parse_output("Lavrov said so. Then he left.", REQ, "en", "ar").flags == ("extra_sentences",)
    assert sentence_count("Mr. Lavrov met U.S. officials in St. Petersburg.") == 1


def test_the_parser_flags_an_empty_answer_with_its_reason():
    assert parse_output("", REQ, "en", "ar").flags == ("empty",)
    assert parse_output("", REQ, "en", "ar").notes == ("the model gave no translation",)
    only = parse_output("Here is the translation:", REQ, "en", "ar")
    assert only.text == "" and only.flags == ("empty",)
    assert parse_output("<think>\nLet me think.\n</think>\n\n", REQ, "en", "ar").flags == ("empty",)


def test_the_parser_flags_an_echoed_context():
    echo = parse_output("The ministers met in Moscow on Monday. Lavrov said relations are strong.", REQ, "en", "ar")
    assert "echoed_context" in echo.flags and "the answer repeats segment 1 before this one" in echo.notes
    prompt = parse_output("Arabic: قال لافروف إن العلاقات قوية.\nEnglish: Lavrov said relations are strong.", REQ, "en", "ar")
    assert "echoed_context" in prompt.flags and "starts with the source-language label" in prompt.notes[0]
    title = parse_output("Lavrov visits Astana and Moscow", Request("يزور", "Lavrov visits Astana and Moscow"), "en", "ar")
    assert "echoed_context" in title.flags and "the answer repeats the article's title" in title.notes
    assert not parse_output("Lavrov said relations are strong.", REQ, "en", "ar").flags


def test_llm_flags_show_with_their_reasons_while_the_text_is_the_machines(translated):
    from workbench.review import workflow
    from workbench.store import MachineOutputRecord

    seg = next(s for s in translated.article(ARTICLE).to_dict()["segments"] if s["kind"] == "body")
    parsed = parse_output("Here is the translation: One. Two. Three.", Request(seg["source_text"]), "en", "ar")
    made = MachineOutputRecord(  # what a run records of such an answer (runs.translation)
        ARTICLE, seg["id"], "segment", "en", seg["source_text"], parsed.text,
        [f for f in parsed.flags if f in LLM_FLAGS], {"model": "an-llm", "llm": {"notes": list(parsed.notes)}})
    assert workflow.record_machine_outputs(translated.store, [made]) != [None]
    unit = next(s for s in translated.article(ARTICLE).to_dict()["segments"] if s["id"] == seg["id"])["targets"]["en"]
    assert unit["text"] == "One. Two. Three." and "extra_sentences" in unit["flags"] and made.flags == ["extra_sentences"]
    assert "model answer: removed the preamble 'Here is the translation:'" in unit["qa"]
    assert any("3 sentences" in q for q in unit["qa"])
    rev = unit["revision_id"]
    translated.save(ARTICLE, seg["id"], "en", "One sentence.", author="mona", base_revision_id=rev)
    edited = next(s for s in translated.article(ARTICLE).to_dict()["segments"] if s["id"] == seg["id"])["targets"]["en"]
    assert "extra_sentences" not in edited["flags"] and not any(q.startswith("model answer") for q in edited["qa"])


# --------------------------------------------------------------------------- cache keys
def _keys(wb, plan, lang_code: str) -> dict[str, str]:
    from workbench.models.wrappers import CachedTranslator
    from workbench.runs.context import Snapshot, glossary_for, requests_for

    lang = plan.languages[lang_code]
    segs = [s for s in wb.store.segments(ARTICLE) if s["kind"] != "meta"]
    reqs = requests_for(Snapshot.load(wb.store, ARTICLE), lang, [(s, s["source_text"], None) for s in segs],
                        glossary_for(wb.store, lang))
    assert isinstance(lang.translator, CachedTranslator)
    keys = lang.translator.keys(reqs)
    return {s["id"]: k for s, k in zip(segs, keys, strict=True)}


def test_a_changed_glossary_entry_changes_the_keys_of_exactly_the_segments_with_the_term(home):
    from workbench import Workbench
    from workbench.review.glossary import load, save_rows

    with Workbench(home, profile="tiny-llm", engine="transformers") as wb:
        wb.resolve([str(SEEDS / f"{ARTICLE}.txt")])
        plan = wb.models.plan(["en", "ru"])
        before_en, before_ru = _keys(wb, plan, "en"), _keys(wb, plan, "ru")
        glossary = load(wb.store)
        rows = [[r[0], "Lavroff" if r[0] == "لافروف" else r[1], r[2], r[3]] for r in glossary.to_rows()]
        save_rows(wb.store, rows)
        after_en, after_ru = _keys(wb, plan, "en"), _keys(wb, plan, "ru")
        with_term = {s["id"] for s in wb.store.segments(ARTICLE)
                     if s["kind"] != "meta" and any(t.ar[0] == "لافروف" for t in glossary.find(s["source_text"]))}
    assert with_term and {k for k in after_en if after_en[k] != before_en[k]} == with_term
    assert after_ru == before_ru  # the Russian form did not change


def test_a_corrected_previous_segment_asks_again_and_an_unchanged_request_is_made_once(home):
    from workbench import Workbench
    from workbench.runs.translation import translate_segments

    with Workbench(home, profile="tiny-llm", engine="transformers") as wb:
        ids, _ = wb.resolve([str(SEEDS / f"{ARTICLE}.txt")])
        assert wb.translate(ids, ["en"]).ok
        plan = wb.models.plan(["en"])
        translator = plan.languages["en"].translator
        before = _keys(wb, plan, "en")
        segs = [s for s in wb.store.segments(ARTICLE) if s["kind"] != "meta"]
        rev = wb.store.current_revisions(ARTICLE)[("segment", segs[4]["id"], "en")]
        wb.save(ARTICLE, segs[4]["id"], "en", "A reviewer's corrected sentence.", author="mona", base_revision_id=rev["id"])
        after = _keys(wb, plan, "en")
        changed = [s["id"] for s in segs if after[s["id"]] != before[s["id"]]]
        assert changed == [s["id"] for s in segs[5:8]]  # the three segments that have it as context
        made = translator.inner.counters.texts
        done, cached, failures = translate_segments(wb.store, plan, ARTICLE, "en", redo=True)
        assert not failures and translator.inner.counters.texts - made == done - cached
        first = translator.translate([Request("قال لافروف")])[0]
        texts = translator.inner.counters.texts
        again = translator.translate([Request("قال لافروف")])[0]
        assert not first.cached and again.cached and (again.text, again.raw) == (first.text, first.raw)
        assert translator.inner.counters.texts == texts


def test_a_model_ctranslate2_cannot_convert_falls_back_to_transformers(home, tiny_dir):
    """Gemma 4 (dense) has a CTranslate2 4.8.5 loader, but with transformers 5.24 its conversion fails."""
    import torch
    from transformers import AutoTokenizer, Gemma4ForCausalLM, Gemma4TextConfig

    from workbench.choice.plan import ModelSet
    from workbench.choice.profiles import select
    from workbench.testing.tiny import build_tiny

    folder = home.parent / "gemma4"
    tokenizer = AutoTokenizer.from_pretrained(build_tiny("gemma3", tiny_dir))
    torch.manual_seed(0)
    config = Gemma4TextConfig(vocab_size=len(tokenizer), hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                              num_attention_heads=2, num_key_value_heads=1, pad_token_id=tokenizer.pad_token_id,
                              eos_token_id=tokenizer.eos_token_id, bos_token_id=tokenizer.bos_token_id)
    Gemma4ForCausalLM(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    models = ModelSet(select("tiny-llm", models={"en": str(folder)}, home=Home(home)), home=Home(home))
    translator = models.translator("en")
    assert translator.info.engine == "transformers" and "CTranslate2 cannot convert" in models.choices["en"].note
    assert translator.translate([Request("قال لافروف")])[0].confidence is not None
    from workbench.errors import EngineUnavailable

    assert ModelSet(select("tiny-llm", summarizer=str(folder), home=Home(home)), home=Home(home)).summarizer().info.engine == \
        "transformers"  # as a summarizer too; asked for CTranslate2 only, a typed error rather than its RuntimeError
    with pytest.raises(EngineUnavailable, match="CTranslate2 cannot convert"):
        ModelSet(select("tiny-llm", summarizer=str(folder), engine="ct2", home=Home(home)), home=Home(home)).summarizer()


# --------------------------------------------------------------------------- routes, end to end
@pytest.mark.parametrize(("arch", "engine"), [
    pytest.param(arch, engine, marks=() if (arch, engine) == FAST_END_TO_END else pytest.mark.slow)
    for arch in ARCHS for engine in ("transformers", "ct2")])
def test_both_engines_translate_the_seeds_end_to_end_with_russian_direct(arch, engine, home):
    """Every tiny LLM on both engines over the five seeds: one pair in the fast tier (10-25 s each on 2 cores)."""
    from workbench import Workbench
    from workbench.choice.plan import ModelSet
    from workbench.choice.profiles import select

    spec = f"tiny:{arch}"
    selection = select("tiny-llm", models={"en": spec, "ru": spec}, engine=engine, home=Home(home))
    with Workbench(home, model_set=ModelSet(selection, home=Home(home))) as wb:
        report = wb.translate([str(SEEDS)], ["en", "ru"])
        assert report.ok and report.translated == 2 * sum(
            len([s for s in wb.store.segments(a) if s["kind"] != "meta"]) for a in wb.store.article_ids())
        assert report.engines["en"]["used"] == engine and report.engines["ru"]["used"] == engine
        seg = next(s for s in wb.article(ARTICLE).to_dict()["segments"] if s["kind"] == "body")
    made = seg["targets"]["ru"]["machine"]["provenance"]
    assert made["task"] == "ar→ru" and made.get("pivot") is None and made["model"] == spec  # direct: no pivot
    assert made["llm"]["template"]["name"] == "translate-ar-ru" and made["settings"]["role"] == "llm_translator"
    assert made["llm"]["context_segments"] >= 1 and made["confidence"]["tokens"] >= 1
    assert made["meaningless"] and "meaningless_model" in seg["targets"]["ru"]["flags"]


def test_russian_from_the_reviewed_english(home):
    from workbench import Workbench
    from workbench.choice.plan import ModelSet
    from workbench.choice.profiles import select

    models = ModelSet(select("tiny-llm", via={"ru": "en"}, engine="transformers", home=Home(home)), home=Home(home))
    with Workbench(home, model_set=models) as wb:
        assert wb.translate([str(SEEDS / f"{ARTICLE}.txt")], ["ru"]).ok  # English first, then Russian from it
        seg = [s for s in wb.article(ARTICLE).to_dict()["segments"] if s["kind"] == "body"][1]
        reviewed = "Lavrov said the level of mutual trust is high."
        wb.save(ARTICLE, seg["id"], "en", reviewed, author="mona", base_revision_id=seg["targets"]["en"]["revision_id"],
                reviewed=True)
        assert "stale_pivot" in next(s for s in wb.article(ARTICLE).to_dict()["segments"]
                                     if s["id"] == seg["id"])["targets"]["ru"]["flags"]
        assert wb.retranslate(ARTICLE, "ru", [seg["id"]]) == 1
        made = wb.store.latest_machine_output(ARTICLE, "segment", seg["id"], "ru")
    assert made["input_text"] == reviewed  # the reviewed English is the input
    prov = made["provenance"]
    assert prov["task"] == "en→ru" and prov["pivot"]["via"] == "en" and prov["llm"]["template"]["name"] == "translate-en-ru"
    assert [t["source"] for t in prov["llm"]["terms"]] == ["Lavrov"]  # the glossary term as the English has it


# --------------------------------------------------------------------------- many articles per model call
def _machine_texts(wb) -> dict[tuple[str, str, str], tuple[str, int]]:
    """Every segment's current machine text with the context size its prompt had."""
    out = {}
    for article_id in wb.store.article_ids():
        for (target, seg_id, lang), made in wb.store.latest_machine_outputs(article_id).items():
            if target == "segment":
                out[(article_id, seg_id, lang)] = (made["text"], made["provenance"]["llm"]["context_segments"])
    return out


def _machine_texts_of(wb, lang: str) -> list[tuple[str, str, str]]:
    return [(a, seg, made["text"]) for a in wb.store.article_ids()
            for (target, seg, unit_lang), made in wb.store.latest_machine_outputs(a).items()
            if target == "segment" and unit_lang == lang]


def _run(home: Path, config: str, calls: list[int], stop_after: int | None = None):
    """Translate the seeds into both languages on `home`; `calls` gets each model batch's size; the run is
    stopped with Ctrl-C at the start of batch `stop_after`."""
    from workbench import Workbench

    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text(config)
    with Workbench(home, profile="tiny-llm", engine="transformers") as wb:
        inner = wb.models.translator("en").inner
        real = type(inner).generate_ids

        def counting(self, prompts, caps):
            if stop_after is not None and len(calls) == stop_after:
                raise KeyboardInterrupt
            calls.append(len(prompts))
            return real(self, prompts, caps)

        type(inner).generate_ids = counting
        try:
            report = wb.translate([str(SEEDS)], ["en", "ru"])
        except KeyboardInterrupt:
            return None, _machine_texts(wb)
        finally:
            type(inner).generate_ids = real
        return report, _machine_texts(wb)


@pytest.mark.slow  # four (two) runs over the five seeds in both languages: about 60 s (35 s) on 2 cores
def test_articles_translated_together_give_one_at_a_time_outputs_in_wider_batches_and_resume(tmp_path):
    alone_calls: list[int] = []
    report, alone = _run(tmp_path / "alone", "[translation]\narticles_per_batch = 1\n", alone_calls)
    assert report.ok and len(alone) == report.translated
    wide = "[translation]\narticles_per_batch = 5\nbatch_size = 64\n"
    together_calls: list[int] = []
    report, together = _run(tmp_path / "together", wide, together_calls)
    assert report.ok and together == alone  # the same text and the same context, segment by segment
    assert max(alone_calls) <= 8 < max(together_calls)  # a chunk holds 8 segments: batches span articles
    assert len(together_calls) < len(alone_calls) / 2, (len(together_calls), len(alone_calls))
    assert any(context > 0 for _, context in together.values())

    stopped_calls: list[int] = []
    report, partial = _run(tmp_path / "stopped", wide, stopped_calls, stop_after=2)  # Ctrl-C in the third call
    assert report is None and 0 < len(partial) < len(alone)
    assert all(alone[key] == made for key, made in partial.items())  # what was stored is what a full run stores
    rest_calls: list[int] = []
    report, resumed = _run(tmp_path / "stopped", wide, rest_calls)
    assert report.ok and resumed == alone and report.translated == len(alone) - len(partial)
    assert sum(rest_calls) == len(alone) - len(partial)  # only what was missing went to the model


@pytest.mark.slow  # four (two) runs over the five seeds in both languages: about 60 s (35 s) on 2 cores
def test_a_failing_call_of_many_articles_is_retried_article_by_article(tmp_path):
    from workbench.models.hf_llm import CausalTranslator

    real = CausalTranslator.generate_ids

    def no_wide_batches(self, prompts, caps):  # as if a batch wider than one chunk ran out of memory
        if len(prompts) > 8:
            raise RuntimeError("CUDA out of memory (simulated)")
        return real(self, prompts, caps)

    _, alone = _run(tmp_path / "alone", "[translation]\narticles_per_batch = 1\n", [])
    CausalTranslator.generate_ids = no_wide_batches
    try:
        report, together = _run(tmp_path / "together", "[translation]\narticles_per_batch = 5\nbatch_size = 64\n", [])
    finally:
        CausalTranslator.generate_ids = real
    assert report.ok and together == alone
    log = (tmp_path / "together" / "logs" / "workbench.log").read_text(encoding="utf-8")
    assert "retrying article by article" in log and "CUDA out of memory (simulated)" in log


# --------------------------------------------------------------------------- licences, catalog, profiles
def test_licence_permissive_refuses_a_gemma_terms_model_before_loading(home, monkeypatch):
    from workbench.app.cli import cli
    from workbench.choice import locate
    from workbench.choice.profiles import select

    def never(*args, **kwargs):
        raise AssertionError("nothing may be located or loaded")

    monkeypatch.setattr(locate, "locate", never)
    with pytest.raises(LicenceRefused, match="Gemma Terms of Use"):
        select("llm", models={"en": "google/translategemma-4b-it"}, licence="permissive", home=Home(home))
    result = CliRunner().invoke(cli, ["--home", str(home), "translate", str(SEEDS / f"{ARTICLE}.txt"), "--licence",
                                      "permissive", "--model", "ru=tencent/Hunyuan-MT-7B"])
    assert result.exit_code == 1 and "not valid in the EU" in result.output and "not permissive" in result.output
    with sqlite3.connect(home / "workbench.sqlite") as conn:  # nothing imported
        assert conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 0
    assert select("llm", licence="permissive", home=Home(home)).routes["ru"].via is None  # the llm profile: Apache-2.0


def test_the_catalog_lists_the_translation_llms_with_licences_and_the_llm_profile_uses_one(home):
    from workbench.choice.catalog import CATALOG, PERMISSIVE
    from workbench.choice.locate import is_llm
    from workbench.choice.profiles import PROFILES

    llms = {e.id: e for e in CATALOG.values() if e.kind == "llm"}
    assert {"utter-project/EuroLLM-9B-Instruct", "ByteDance-Seed/Seed-X-PPO-7B", "Qwen/Qwen3-4B-Instruct-2507",
            "google/gemma-4-E4B-it", "google/translategemma-4b-it", "tencent/Hunyuan-MT-7B"} <= set(llms)
    assert llms["google/translategemma-4b-it"].licence not in PERMISSIVE and llms["tencent/Hunyuan-MT-7B"].licence_note
    llm = PROFILES["llm"]
    assert all(CATALOG[r.model].licence in PERMISSIVE and r.via is None for r in llm.routes.values())
    assert is_llm(llm.routes["en"].model, Home(home)) and is_llm("tiny:gemma3", Home(home))
    assert not is_llm("tiny:marian-ar-en", Home(home)) and not is_llm("Helsinki-NLP/opus-mt-ar-en", Home(home))


def test_llm_options_in_config_are_checked_and_reach_the_translator(home):
    from workbench.choice.plan import ModelSet
    from workbench.choice.profiles import select
    from workbench.errors import WorkbenchError

    home.mkdir(parents=True)
    (home / "config.toml").write_text("[translation]\ncontext_segments = 1\nnum_beams = 4\n")
    selection = select("tiny-llm", engine="transformers", home=Home(home))
    translator = ModelSet(selection, home=Home(home)).translator("en")
    assert translator.options.context_segments == 1 and translator.options.num_beams == 1  # beams are Marian's
    (home / "config.toml").write_text("[translation]\ncontext_segment = 1\n")
    with pytest.raises(WorkbenchError, match="did you mean context_segments"):
        select("tiny-llm", home=Home(home))


# --------------------------------------------------------------------------- suggestions
def test_suggestions_are_stored_beside_the_text_and_never_replace_it(home):
    from workbench import Workbench
    from workbench.app import operations as ops
    from workbench.app.cli import cli
    from workbench.store.suggestions import latest

    result = CliRunner().invoke(cli, [
        "--home", str(home), "translate", str(SEEDS / f"{ARTICLE}.txt"), "--to", "en", "--profile", "tiny",
        "--suggest", "tiny:qwen3", "--suggest", "en=tiny:llama", "--json", "-q"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output[result.output.index("{"):])
    count = report["translated"]
    assert report["suggestions"]["suggested"] == 2 * count and report["suggestions"]["ok"]
    with Workbench(home, profile="tiny") as wb:
        seg = next(s for s in wb.article(ARTICLE).to_dict()["segments"] if s["kind"] == "body")
        unit = seg["targets"]["en"]
        assert unit["machine"]["provenance"]["model"] == "tiny:marian-ar-en"  # the run's output stays the text
        assert len(wb.history(ARTICLE, seg["id"], "en")) == 1
        details = ops.unit_details(wb, article_id=ARTICLE, unit=seg["id"], language="en")
        assert [(s["kind"], s["model"]) for s in details["suggestions"]] == [
            ("machine", "tiny:marian-ar-en"), ("suggestion", "tiny:qwen3"), ("suggestion", "tiny:llama")]
        second = details["suggestions"][1]
        assert second["confidence"]["tokens"] >= 1 and "<ins>" in second["diff_html"] and second["from"] == "ar"
        rows = latest(wb.store, ARTICLE, seg["id"], "en")
        assert rows[0]["provenance"]["suggestion"] and rows[0]["provenance"]["llm"]["template"]["name"] == "translate-ar-en"
    again = CliRunner().invoke(cli, [
        "--home", str(home), "translate", ARTICLE, "--to", "en", "--profile", "tiny", "--suggest", "en=tiny:qwen3", "-q"])
    assert again.exit_code == 0 and "0 suggestions stored" in again.output  # a rerun resumes


@pytest.mark.slow  # ~21 s of CPU; test_suggestions_are_stored_beside_the_text_and_never_replace_it stays fast
def test_suggestions_of_many_articles_share_calls_and_match_one_at_a_time(tmp_path):
    """Two suggesters for English (each its own calls, never mixed) over three seeds, 1 and 3 articles per call.
    Cheap enough for the fast tier: the three shortest seeds, translated by Marian once and the home copied (over
    all five seeds, each home translated apart, it took 109 s on 2 cores)."""
    import shutil

    from workbench import Workbench
    from workbench.app.cli import cli

    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for name in ("000_b2b0b7ef8c4c7ace", "003_70140ed69b948bf5", "004_4fe84c6801f8dc08"):
        shutil.copy(SEEDS / f"{name}.txt", seeds)
    base = tmp_path / "translated"
    base.mkdir()
    translated = CliRunner().invoke(cli, ["--home", str(base), "translate", str(seeds), "--to", "en", "--profile",
                                          "tiny", "-q"])  # Marian once: the same English in both homes
    assert translated.exit_code == 0, translated.output
    made, english = {}, {}
    for width in (1, 3):
        home = tmp_path / f"w{width}"
        shutil.copytree(base, home)
        (home / "config.toml").write_text(f"[translation]\narticles_per_batch = {width}\nbatch_size = 64\n")
        result = CliRunner().invoke(cli, ["--home", str(home), "translate", "--all", "--to", "en", "--profile",
                                          "tiny", "--suggest", "en=tiny:qwen3", "--suggest", "en=tiny:llama", "-q"])
        assert result.exit_code == 0, result.output
        with Workbench(home, profile="tiny") as wb:
            rows = wb.store.query("SELECT article_id, segment_id, lang, text, provenance FROM suggestions")
            made[width] = sorted((r["article_id"], r["segment_id"], json.loads(r["provenance"])["model"], r["text"])
                                 for r in rows)
            english[width] = sorted(_machine_texts_of(wb, "en"))
    assert english[1] == english[3]  # the context the suggesters were given
    assert made[1] == made[3] and len({m for _, _, m, _ in made[3]}) == 2
    assert len(made[3]) == 2 * len({(a, s) for a, s, _, _ in made[3]})
    assert len({a for a, _, _, _ in made[3]}) == 3  # every article had its suggestions


# --------------------------------------------------------------------------- the bench
@pytest.mark.slow
def test_bench_json_has_an_llm_translator_entry_per_engine(home, monkeypatch):
    from workbench.bench import models as bench

    settings = bench.Settings(sentences=2, output_tokens=3, baseline_sentences=1, summarizer=False, home=Home(home),
                              llm=True)  # behind --llm (long on a real shape)
    settings.llm_shape = "tiny"  # type: ignore[attr-defined]  # the tests' tiny Qwen3; CPU default is Qwen3-1.7B
    report = bench.run(settings)
    entry = report["llm_translator"]
    assert entry["shape"] == "tiny" and set(entry["engines"]) == {"transformers", "ct2"}
    for engine in entry["engines"].values():
        assert engine["decode_tok_per_s"] > 0 and engine["prefill_tok_per_s"] > 0 and engine["article_seconds"] >= 0
        assert engine["prompt_tokens"] == 400 and engine["output_tokens"] == 3
        assert engine["seconds_per_segment_alone"] > 0 and engine["batch_speedup"] > 0
    assert Path(bench.__file__).read_text().count("llm_translator") >= 1
