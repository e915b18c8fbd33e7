"""The model layer with tiny models of the real architectures: behaviour, not text."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from workbench.app.cli import cli
from workbench.choice.plan import build_translator
from workbench.errors import (
    LicenceRefused,
    MissingVariables,
    ModelNotAvailable,
    TemplateError,
    UnknownModelError,
    WorkbenchError,
)
from workbench.models.base import TranslationOptions
from workbench.models.prompts import load_template, parse_template
from workbench.review.qa import check_output
from workbench.settings import Home

from .conftest import SEEDS, subprocess_env

PROVENANCE_KEYS = {"model", "revision", "licence", "family", "engine", "profile", "task", "settings", "device", "dtype",
                   "cached", "meaningless", "versions", "created"}


def test_every_translatable_segment_gets_output_per_language(translated):
    wb = translated
    for article_id in wb.store.article_ids():
        view = wb.article(article_id).to_dict()
        for row in view["segments"]:
            for lang in ("en", "ru"):
                unit = row["targets"][lang]
                if row["kind"] == "meta":
                    assert unit is None  # source and photo credit are never sent to a model
                else:
                    assert unit is not None and unit["machine"]["provenance"]["model"]
        for lang in ("en", "ru"):
            assert view["summaries"][lang]["machine"]["text"] is not None
            assert view["status"][lang] == "machine"


def test_provenance_is_complete(translated):
    view = translated.article(translated.store.article_ids()[3]).to_dict()
    body = next(r for r in view["segments"] if r["kind"] == "body")
    en = body["targets"]["en"]["machine"]["provenance"]
    ru = body["targets"]["ru"]["machine"]["provenance"]
    assert PROVENANCE_KEYS <= set(en)
    assert en["model"] == "tiny:marian-ar-en" and en["revision"] and en["profile"] == "tiny"
    assert en["settings"]["num_beams"] == 4 and en["settings"]["no_repeat_ngram_size"] == 4
    assert en["device"] == "cpu" and en["meaningless"] is True
    assert (en["engine"], en["dtype"]) == ("ct2", "int8")  # "auto" picks CTranslate2, int8 on CPU
    assert set(en["versions"]) == {"workbench", "transformers", "torch", "ctranslate2"}
    assert ru["model"] == "tiny:marian-en-zle" and ru["settings"]["target_prefix"] == ">>rus<<"
    assert ru["pivot"]["via"] == "en" and ru["pivot"]["first_model"] == "tiny:marian-ar-en"
    summary = view["summaries"]["en"]["machine"]["provenance"]
    assert summary["template"]["name"] == "summary-en" and len(summary["template"]["hash"]) == 16
    assert "meaningless_model" in body["targets"]["en"]["flags"]


def test_pivot_translates_english_first_then_english_to_russian(wb, tmp_path, monkeypatch):
    trace = tmp_path / "trace.jsonl"
    monkeypatch.setenv("WORKBENCH_TRACE", str(trace))
    wb.translate([str(next(SEEDS.glob("003_*.txt")))], ["ru"])
    events = [json.loads(line) for line in trace.read_text().splitlines()]
    assert [e["target"] for e in events][:1] == ["en"]
    assert {e["model"] for e in events if e["target"] == "en"} == {"tiny:marian-ar-en"}
    assert {e["model"] for e in events if e["target"] == "ru"} == {"tiny:marian-en-zle"}
    first_ru = next(i for i, e in enumerate(events) if e["target"] == "ru")
    assert all(e["target"] == "ru" for e in events[first_ru:])
    view = wb.article("003_70140ed69b948bf5").to_dict()
    body = next(r for r in view["segments"] if r["kind"] == "body")
    # the Russian model was given the English output, not the Arabic
    assert body["targets"]["ru"]["machine"]["provenance"]["pivot"]["input_revision_id"] == body["targets"]["en"]["revision_id"]


def test_russian_is_regenerated_from_the_corrected_english(translated):
    wb = translated
    article = "004_4fe84c6801f8dc08"
    row = next(r for r in wb.article(article).to_dict()["segments"] if r["kind"] == "body")
    old_ru = row["targets"]["ru"]
    corrected = "Russian Foreign Minister Sergey Lavrov is hosting his Kazakh counterpart Yerzhan Kazykhanov for talks in Moscow."
    rev = wb.save(article, row["id"], "en", corrected, author="editor", base_revision_id=row["targets"]["en"]["revision_id"])
    stale = next(r for r in wb.article(article).to_dict()["segments"] if r["id"] == row["id"])
    assert "stale_pivot" in stale["targets"]["ru"]["flags"]
    assert wb.retranslate(article, "ru", [row["id"]]) == 1
    new_ru = next(r for r in wb.article(article).to_dict()["segments"] if r["id"] == row["id"])["targets"]["ru"]
    machine = wb.store.latest_machine_outputs(article)[("segment", row["id"], "ru")]
    assert machine["input_text"] == corrected
    assert machine["provenance"]["pivot"]["input_revision_id"] == rev
    assert new_ru["revision_id"] != old_ru["revision_id"]
    assert new_ru["machine"]["id"] == machine["id"]  # the new output is what the editor shows
    assert "stale_pivot" not in new_ru["flags"]


def test_cache_prevents_a_second_model_call(wb, home):
    from workbench import Workbench

    path = str(next(SEEDS.glob("003_*.txt")))
    wb.translate([path], ["en"])
    inner = wb.models.translator("en").inner
    calls = inner.counters.calls
    assert calls > 0
    with Workbench(home, profile="tiny") as again:  # a new process-level model set, same data home
        report = again.translate([path], ["en"], redo=True)
        assert report.translated == 10 and report.cached == 10
        assert again.models.translator("en").inner.counters.calls == 0
        assert not again.models.translator("en").inner.loaded  # the model was not even loaded


def test_prompts_render_with_the_article(translated):
    template = load_template("summary-en")
    article = translated.store.article("003_70140ed69b948bf5")
    prompt = template.render(title=article["title"], text=article["cleaned_text"], date=article["date"],
                             source="TASS", language="English", source_language="Arabic")
    assert article["title"] in prompt.user and "2024-11-07" in prompt.user
    assert prompt.input_kind == "source" and prompt.template_hash == template.hash
    machine = translated.store.latest_machine_outputs("003_70140ed69b948bf5")[("summary", None, "en")]
    assert "لافروف" in machine["input_text"] and "المصدر" not in machine["input_text"]


def test_templates_are_validated_and_missing_variables_named():
    with pytest.raises(MissingVariables, match="date, text"):
        load_template("summary-ru").render(title="t")
    with pytest.raises(TemplateError, match="unknown variables author"):
        parse_template("bad", b'language = "en"\nuser = "{author} wrote {text}"\n')
    with pytest.raises(TemplateError, match="required key 'user'"):
        parse_template("bad", b'language = "en"\n')
    with pytest.raises(TemplateError, match="input must be"):
        parse_template("bad", b'language = "en"\ninput = "html"\nuser = "{text}"\n')


def test_missing_model_gives_one_clear_line_and_leaves_data_untouched(home):
    runner = CliRunner()
    runner.invoke(cli, ["--home", str(home), "import", str(SEEDS)])
    from workbench.store import Store

    before = Store(home / "workbench.sqlite").counts()
    result = runner.invoke(cli, ["--home", str(home), "translate", "--all", "--to", "en", "--profile", "fast"])
    assert result.exit_code == 1
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1 and "Traceback" not in result.output
    assert "Helsinki-NLP/opus-mt-ar-en" in message and "ar→en" in message
    assert "workbench models pull --profile fast" in message
    assert Store(home / "workbench.sqlite").counts() == before


def test_unknown_model_name_and_bad_options_are_typed_errors(wb):
    with pytest.raises(UnknownModelError):
        build_translator("transformers", "not a model name!", "ar", "en", home=wb.home)
    with pytest.raises(ModelNotAvailable):
        build_translator("transformers", "Helsinki-NLP/opus-mt-ar-ru", "ar", "ru", home=wb.home)
    with pytest.raises(WorkbenchError, match="unknown TranslationOptions option"):
        TranslationOptions.from_dict({"beams": 5})


def test_model_override_from_cli_and_config(home, tiny_dir):
    from workbench.choice.profiles import select

    sel = select("tiny", models={"ru": "tiny:marian-ar-ru"}, home=Home(home))
    assert sel.routes["ru"].via is None  # a direct ar→ru model
    sel = select("tiny", models={"ru": "Helsinki-NLP/opus-mt-en-ru"}, home=Home(home))
    assert sel.routes["ru"].via == "en"
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text('profile = "tiny"\n[models]\nen = "tiny:m2m100"\nsummarizer = "tiny:qwen2"\n')
    sel = select(home=Home(home))
    assert sel.profile == "tiny" and sel.routes["en"].model == "tiny:m2m100"


@pytest.mark.parametrize("engine", ["transformers", "ct2"])
def test_multilingual_m2m100_uses_language_codes_and_forced_bos(home, engine):
    from workbench import Workbench

    with Workbench(home, profile="tiny", models={"en": "tiny:m2m100", "ru": "tiny:m2m100"}, engine=engine) as wb:
        report = wb.translate([str(next(SEEDS.glob("003_*.txt")))], ["en", "ru"])
        assert report.ok
        en = wb.models.translator("en").inner
        ru = wb.models.translator("ru").inner
        assert en.info.family == "m2m_100" and en.info.engine == engine
        tok = en.load()[0] if engine == "transformers" else en.tokenizer
        assert tok.src_lang == "ar"
        assert en.settings()["forced_bos_token_id"] == tok.convert_tokens_to_ids("__en__")
        assert ru.settings()["forced_bos_token_id"] == tok.convert_tokens_to_ids("__ru__")
        for unit in [s["targets"]["en"] for s in wb.article("003_70140ed69b948bf5").to_dict()["segments"] if s["kind"] == "body"]:
            assert "__en__" not in unit["text"][:6]  # the language token is not part of the text
        row = next(r for r in wb.article("003_70140ed69b948bf5").to_dict()["segments"] if r["kind"] == "body")
        assert "pivot" not in row["targets"]["ru"]["machine"]["provenance"] or row["targets"]["ru"]["machine"]["provenance"]["pivot"] is None


def test_licence_switch_refuses_non_permissive_models(home, tmp_path):
    from workbench.choice.catalog import check_licence

    with pytest.raises(LicenceRefused, match=r"cc-by-nc-4\.0"):
        check_licence("facebook/nllb-200-distilled-600M", "cc-by-nc-4.0", "permissive")
    check_licence("Helsinki-NLP/opus-mt-tc-big-ar-en", "cc-by-4.0", "permissive")
    # a local folder whose model card declares a non-commercial licence
    import shutil

    from workbench.testing.tiny import build_tiny

    folder = tmp_path / "nc-model"
    shutil.copytree(build_tiny("marian-ar-en", tmp_path / "t"), folder)
    (folder / "README.md").write_text("---\nlicense: cc-by-nc-4.0\n---\n")
    result = CliRunner().invoke(cli, ["--home", str(home), "translate", str(next(SEEDS.glob("003_*.txt"))),
                                      "--to", "en", "--profile", "tiny", "--model", f"en={folder}", "--licence", "permissive"])
    assert result.exit_code == 1 and "not permissive" in result.stderr


def test_models_list_shows_licences():
    result = CliRunner().invoke(cli, ["models", "list", "--json"])
    rows = json.loads(result.stdout)
    by_model = {r["model"]: r for r in rows}
    assert by_model["Helsinki-NLP/opus-mt-tc-big-ar-en"]["licence"] == "cc-by-4.0"
    assert by_model["csebuetnlp/mT5_multilingual_XLSum"]["permissive"] is False
    assert {r["profile"] for r in rows} >= {"quality", "fast", "tiny"}


def test_offline_bundle_folder_is_found_through_workbench_models(home, tmp_path, monkeypatch):
    """`models pull` lays models out as DIR/org--name; the workbench loads them from there offline."""
    import shutil

    from workbench.choice.locate import BUNDLE_FILE, locate
    from workbench.testing.tiny import build_tiny

    bundle = tmp_path / "bundle"
    target = bundle / "Helsinki-NLP--opus-mt-ar-en"
    shutil.copytree(build_tiny("marian-ar-en", tmp_path / "t"), target)
    (target / BUNDLE_FILE).write_text(json.dumps({"id": "Helsinki-NLP/opus-mt-ar-en", "revision": "abc123"}))
    monkeypatch.setenv("WORKBENCH_MODELS", str(bundle))
    found = locate("Helsinki-NLP/opus-mt-ar-en", "ar→en translation", home=Home(tmp_path))
    assert found.path == str(target) and found.revision == "abc123" and found.licence == "apache-2.0"
    translator = build_translator("transformers", "Helsinki-NLP/opus-mt-ar-en", "ar", "en", TranslationOptions(num_beams=1),
                                  home=Home(tmp_path))
    assert len(translator.translate_texts(["قال الوزير."])) == 1


def test_models_pull_writes_the_bundle_layout(home, tmp_path, monkeypatch):
    import huggingface_hub

    pulled = []

    class Info:
        sha = "0123456789abcdef0123456789abcdef01234567"

    monkeypatch.setattr(huggingface_hub.HfApi, "model_info", lambda self, repo_id: Info())

    def fake_download(repo_id, revision, local_dir, allow_patterns):
        pulled.append((repo_id, revision))
        from pathlib import Path

        Path(local_dir).mkdir(parents=True, exist_ok=True)
        (Path(local_dir) / "config.json").write_text("{}")

    monkeypatch.setattr(huggingface_hub, "snapshot_download", fake_download)
    result = CliRunner().invoke(cli, ["--home", str(home), "models", "pull", "--profile", "fast", "--to", str(tmp_path / "b")])
    assert result.exit_code == 0, result.output
    assert [p[0] for p in pulled] == ["Helsinki-NLP/opus-mt-ar-en", "Helsinki-NLP/opus-mt-en-ru", "Qwen/Qwen2.5-0.5B-Instruct"]
    meta = json.loads((tmp_path / "b" / "Helsinki-NLP--opus-mt-en-ru" / "workbench-model.json").read_text())
    assert meta == {"id": "Helsinki-NLP/opus-mt-en-ru", "revision": Info.sha, "licence": "apache-2.0"}


@pytest.mark.parametrize(("source", "target", "flag"), [
    ("قال وزير الخارجية الروسي سيرغي لافروف.", "", "empty"),
    ("قال وزير الخارجية الروسي سيرغي لافروف.", "قال وزير الخارجية الروسي سيرغي لافروف.", "copy_of_source"),
    ("قال وزير الخارجية الروسي سيرغي لافروف.", "Foreign Minister لافروف said.", "arabic_in_target"),
    ("شراكة استراتيجية حقيقية", "partnership partnership partnership partnership", "repetition"),
    ("وأضاف لافروف: نحن نتطلع بتفاؤل إلى مستقبل علاقاتنا مع أصدقائنا الكازاخستانيين.", "He added.", "length_ratio"),
    ("قال الوزير إن التعاون ينمو.", "the the cooperation grows the the cooperation grows the the cooperation grows", "repetition"),
])
def test_flags_fire_on_crafted_degenerate_outputs(source, target, flag):
    assert flag in check_output(source, target, "ar", "en")


def test_flags_stay_quiet_on_a_good_translation():
    source = "وأضاف لافروف: نحن نتطلع بتفاؤل إلى مستقبل علاقاتنا مع أصدقائنا الكازاخستانيين."
    target = "Lavrov added: we look with optimism to the future of our relations with our Kazakh friends."
    assert check_output(source, target, "ar", "en") == []


def test_heavy_imports_are_lazy(home, tiny_dir):
    code = ("import sys; from workbench.cli import main; sys.argv=['workbench','list']; "
            "import contextlib\nwith contextlib.suppress(SystemExit): main()\n"
            "print('HEAVY', sorted(m for m in ('torch','transformers','gradio') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=subprocess_env(home, tiny_dir))
    assert "HEAVY []" in out.stdout, out.stdout + out.stderr
    out = subprocess.run([sys.executable, "-m", "workbench", "--help"], capture_output=True, text=True)
    assert out.returncode == 0 and "translate" in out.stdout


@pytest.mark.real_models
def test_real_marian_translates_a_known_sentence():
    """Smoke test for real weights (e.g. the tc-big tied-weights bug); skipped unless the model is local."""
    from workbench.choice.locate import locate

    try:
        locate("Helsinki-NLP/opus-mt-tc-big-ar-en", "ar→en translation", home=Home.resolve())
    except ModelNotAvailable:
        pytest.skip("Helsinki-NLP/opus-mt-tc-big-ar-en is not on this machine (workbench models pull)")
    translator = build_translator("transformers", "Helsinki-NLP/opus-mt-tc-big-ar-en", "ar", "en", home=Home.resolve())
    out = translator.translate_texts(["قال وزير الخارجية الروسي سيرغي لافروف إن روسيا وكازاخستان حليفتان."])[0]
    assert "Lavrov" in out and "Kazakhstan" in out


def test_encoder_decoder_summarizer_goes_through_the_seq2seq_path(home):
    """An encoder-decoder summarizer (mT5 XL-Sum style) is detected from its config and given the article text."""
    from workbench import Workbench
    from workbench.models.hf import Seq2SeqSummarizer

    with Workbench(home, profile="tiny", summarizer="tiny:m2m100") as wb:
        report = wb.translate([str(next(SEEDS.glob("003_*.txt")))], ["en"], summarize=True)
        assert report.ok and report.summaries == 1
        assert isinstance(wb.models.summarizer().inner, Seq2SeqSummarizer)
        summary = wb.article("003_70140ed69b948bf5").to_dict()["summaries"]["en"]["machine"]
        assert summary["provenance"]["model"] == "tiny:m2m100" and summary["provenance"]["family"] == "m2m_100"
        assert summary["provenance"]["settings"]["num_beams"] == 4  # XL-Sum's recommended settings
