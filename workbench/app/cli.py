"""The `workbench` command line. Thin: every command parses its options, calls one library function and hands
the result to `render.emit`, which prints it as text or, with `--json`, as JSON."""

from __future__ import annotations

import sys
from typing import Any

import click

from ..errors import ImportProblem, WorkbenchError
from ..exchange.registry import format_names
from ..languages import STATUSES, TARGETS, parse_targets
from .cli_base import (
    DEFAULT_TARGETS,
    INTERRUPTED,
    LANG_HELP,
    _home,
    _home_profile,
    _model_args,
    _set_home,
    _targets,
    _workbench,
    cli,
    handle_errors,
    model_options,
    ray_options,
    run,
)
from .render import MEANINGLESS_MARK, MEANINGLESS_NOTE, echo_lines, emit

__all__ = ["INTERRUPTED", "MEANINGLESS_MARK", "MEANINGLESS_NOTE", "add_home_option", "cli"]


@cli.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="Print a machine-readable report.")
@click.pass_context
@handle_errors
def import_cmd(ctx: click.Context, paths: tuple[str, ...], as_json: bool) -> None:
    """Import .txt/.md/.jsonl files or folders (recursive), or article pages by URL (https://…: the article text,
    title, date and author are extracted). Re-importing unchanged files changes nothing."""
    from ..review import workflow
    from ..store.importer import Imported, import_paths
    from .cli_newsroom import flush_webhook, import_with_urls, is_url, warn_webhook
    from .render import ImportText, imported_lines

    def show(item: Imported | ImportProblem) -> None:  # the text goes out file by file, as the import runs
        if not as_json:
            echo_lines(imported_lines(item))

    warn_webhook(ctx.obj["home"])
    with _workbench(ctx) as wb:
        if any(is_url(p) for p in paths):  # https://… : fetched and extracted by the newsroom
            report = import_with_urls(wb, list(paths), show)
        else:
            report = import_paths(wb.store, list(paths), on_item=show, reopen=workflow.source_changed)
            flush_webhook(wb, quiet=as_json)  # a changed source's `reopened` notifications, before the command ends
    emit(ImportText(report), as_json)


@cli.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON: a list of {id, title, label, date, source, photo_credit, segments, body_segments, translatable_segments, status, status_override, status_reopened, meaningless}.")
@click.pass_context
@handle_errors
def list_cmd(ctx: click.Context, as_json: bool) -> None:
    """List articles with title, date, source, segment counts and status per language."""
    from ..review.qa import meaningless_articles
    from .render import ArticleList

    with _workbench(ctx) as wb:
        emit(ArticleList(run(wb, "list_articles").articles, meaningless_articles(wb.store)), as_json)


@cli.command("show")
@click.argument("article_id")
@click.option("--json", "as_json", is_flag=True, help="Print the full article view as JSON (segments, outputs, provenance, flags, summaries).")
@click.pass_context
@handle_errors
def show_cmd(ctx: click.Context, article_id: str, as_json: bool) -> None:
    """Show an article: segments in order with kind and paragraph, and translations where they exist, each with
    its fact-check flags and their reasons."""
    from .render import ArticleText

    with _workbench(ctx) as wb:
        article = run(wb, "get_article", article_id=article_id).article  # the id checked first, as the operation does
        facts = {} if as_json else {lang: {seg: risk.facts for seg, risk in units.items()}
                                     for lang, units in wb.risk(article_id).items()}
        emit(ArticleText(article, facts), as_json)


@cli.command("translate")
@click.argument("items", nargs=-1, type=str)
@click.option("--to", "to", default=DEFAULT_TARGETS, show_default=True, help=LANG_HELP)
@click.option("--summarize", is_flag=True, help="Also write a summary per article and language.")
@click.option("--all", "all_articles", is_flag=True, help="Every article in the store.")
@click.option("--redo", is_flag=True, help="Translate again even where machine output exists (new outputs are appended).")
@click.option("--out", type=click.Path(), default=None,
              help="Also write one record per article: .jsonl (default) or .csv; with --runner ray, a folder of shards.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.option("--json", "as_json", is_flag=True, help="Print the final report as JSON.")
@click.option("--suggest", "suggest", multiple=True, metavar="[LANG=]ID_OR_PATH",
              help="Also ask this translator (every language, or LANG=ID for one; repeatable; default: config.toml's "
                   "[suggest]) and keep its outputs as suggestions beside the text, never replacing it.")
@ray_options
@model_options
@click.pass_context
@handle_errors
def translate_cmd(ctx: click.Context, items: tuple[str, ...], to: str, summarize: bool, all_articles: bool, redo: bool,
                  out: str | None, quiet: bool, as_json: bool, runner: str, suggest: tuple[str, ...], **kw: Any) -> None:
    """Translate articles (file/folder PATHS are imported first, or ARTICLE_IDS, or --all).

    Finished segments are never redone, so running the same command again after an interruption resumes it.
    With --runner ray, the files and folders are translated on a Ray cluster into shards in --out (a rerun skips
    finished articles; `workbench ingest OUT` merges them into the store).
    Exit code 0 when everything succeeded, 1 when something failed (listed in the report), 2 for usage errors.
    """
    from ..choice.profiles import parse_suggest
    from ..runs.progress import TerminalProgress
    from ..runs.suggestions import WithSuggestions, suggest_articles
    from .render import TranslateText

    targets = _targets(to)
    _check_split_targets(to, items)
    ray_kw = {k: kw.pop(k) for k in list(kw) if k.startswith("ray_") or k in ("address", "shards", "shard_size")}
    if runner == "ray" and suggest:
        raise click.UsageError("--suggest runs with --runner local (the store keeps the suggestions)")
    if runner == "ray":
        _translate_on_ray(ctx, list(items), targets, summarize, out, as_json, ray_kw, kw)
        return
    model_kw = kw
    if not items and not all_articles:
        raise click.UsageError("name files, folders or article ids, or pass --all")
    with _workbench(ctx, **_model_args(**model_kw)) as wb:
        meaningless = wb.selection().meaningless  # config, profile and known licences are checked before any import
        wb.check_device()  # and a GPU that --device cuda names
        suggesters = wb.models.suggesters(parse_suggest(suggest, targets, wb.home))  # and the suggesters' models
        ids, imported = wb.resolve(list(items), all_articles=all_articles)
        if not ids:
            _nothing_to_translate(items, imported.problems)
            return
        if meaningless and not as_json:
            click.echo(MEANINGLESS_NOTE, err=True)
        report = wb.translate(ids, targets, summarize=summarize, redo=redo,
                              progress=TerminalProgress(quiet=quiet or as_json), out=out)
        report.import_problems = [str(p) for p in imported.problems]
        if suggesters:
            made = suggest_articles(wb.store, wb.models.plan(targets), suggesters, ids)
            emit(WithSuggestions(TranslateText(report, out), made), as_json)
            return
    emit(TranslateText(report, out), as_json)


def _check_split_targets(to: str, items: tuple[str, ...]) -> None:
    """`--to en,  ru` unquoted reaches us as --to "en," and an item "ru": say so instead of "no article 'ru'"."""
    from pathlib import Path

    for item in items:
        parts = [p for p in item.split(",") if p.strip()]
        split = to.rstrip().endswith(",") or item.startswith(",")
        if parts and split and all(p.strip() in TARGETS for p in parts) and not Path(item).exists():
            langs = ",".join(parse_targets(f"{to},{item}"))
            raise click.UsageError(f"{item.strip(',')!r} looks like a language; write --to {langs} without spaces")


def _nothing_to_translate(items: tuple[str, ...], problems: list[ImportProblem]) -> None:
    """No article came out of the named files (an empty folder, only unreadable files): say so, load no model."""
    for problem in problems:
        click.echo(f"error: {problem}", err=True)
    if not items:
        click.echo("nothing to translate: the store has no articles yet (run `workbench import FILES` first)")
        return
    raise WorkbenchError(f"nothing to translate: no article was imported from {', '.join(items)} "
                         "(.txt, .md and .jsonl files are read)")


def _translate_on_ray(ctx: click.Context, items: list[str], targets: list[str], summarize: bool, out: str | None,
                      as_json: bool, ray_kw: dict[str, Any], model_kw: dict[str, Any]) -> None:
    from ..scale.distributed import RayOptions
    from .render import RayText

    if not items or not out:
        raise click.UsageError("--runner ray needs files or folders to translate and --out FOLDER for the shards")
    options = RayOptions(address=ray_kw["address"], actors=ray_kw["ray_actors"], cpus_per_actor=ray_kw["ray_cpus"],
                         gpus_per_actor=ray_kw["ray_gpus"], shard_format=ray_kw["shards"],
                         shard_size=ray_kw["shard_size"], local_cpus=ray_kw["ray_local_cpus"])
    with _workbench(ctx, **_model_args(**model_kw)) as wb:
        if wb.selection().meaningless and not as_json:
            click.echo(MEANINGLESS_NOTE, err=True)
        report = wb.translate_on_ray(items, targets, out, summarize=summarize, options=options)
    emit(RayText(report, out), as_json)


@cli.command("ingest")
@click.argument("out", type=click.Path(exists=True, file_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_context
@handle_errors
def ingest_cmd(ctx: click.Context, out: str, as_json: bool) -> None:
    """Merge the shards of a `translate --runner ray` run into the store (running it again changes nothing; a
    person's current text is never replaced)."""
    from .cli_newsroom import flush_webhook, warn_webhook
    from .render import IngestText

    warn_webhook(ctx.obj["home"])
    with _workbench(ctx) as wb:
        report = wb.ingest(out)
        flush_webhook(wb, quiet=as_json)  # the `reopened` notifications of sources that changed
    emit(IngestText(report), as_json)


@cli.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print JSON: per article {id, label, meaningless, languages: per language {state, done, total, summary, review, reason, override, reopened}}.")
@click.pass_context
@handle_errors
def status_cmd(ctx: click.Context, as_json: bool) -> None:
    """Per article and language: done / pending / failed."""
    from ..review.qa import meaningless_articles
    from ..settings import load_config
    from .render import StatusList

    load_config(ctx.obj["home"])  # a damaged config.toml is reported here too, not first by translate or serve
    with _workbench(ctx) as wb:
        emit(StatusList(wb.status(), meaningless_articles(wb.store)), as_json)


@cli.command("mark")
@click.argument("article_id")
@click.argument("status", type=click.Choice(STATUSES))
@click.option("--lang", "langs", default=DEFAULT_TARGETS, show_default=True, help=LANG_HELP)
@click.option("--author", default=None, help="Who marks it (recorded).")
@click.option("--override", default=None, metavar="REASON",
              help="Approve although segments are unreviewed or flagged; the reason is recorded.")
@click.pass_context
@handle_errors
def mark_cmd(ctx: click.Context, article_id: str, status: str, langs: str, author: str | None,
             override: str | None) -> None:
    """Set the review status of an article's languages. "approved" needs every segment reviewed and no blocking
    flag (empty, copy_of_source, arabic_in_target, numbers, glossary, stale_pivot, meaningless_model, bidi_control), or
    --override."""
    from .cli_newsroom import flush_webhook, warn_webhook

    warn_webhook(ctx.obj["home"])
    with _workbench(ctx) as wb:
        for lang in _targets(langs):
            wb.set_status(article_id, lang, status, author, override=override)
            click.echo(f"{article_id} {lang}: {status}" + (" (override recorded)" if override and status == "approved" else ""))
        flush_webhook(wb)  # the `approved` notifications, sent before the command ends


@cli.group("models")
def models_group() -> None:
    """Models: list the profiles' models with their licences; pull them for offline use."""


@models_group.command("list")
@click.option("--json", "as_json", is_flag=True,
              help="Print JSON: per model {profile, role, model, route, via, task, licence, permissive, available, where, note}.")
@click.pass_context
@handle_errors
def models_list(ctx: click.Context, as_json: bool) -> None:
    """Every profile's models with their route (ru via en: Russian is translated from the English text), licence
    and whether it is available on this machine (an offline bundle, the Hugging Face cache, or built locally)."""
    from ..choice.inventory import inventory

    emit(inventory(ctx.obj["home"]), as_json)


@models_group.command("pull")
@click.option("--profile", default=None, help="Pull every model of this profile (default: quality).")
@click.option("--model", "model_ids", multiple=True, metavar="ID", help="Pull this hub model (repeatable).")
@click.option("--to", "dest", type=click.Path(file_okay=False), default=None,
              help="Folder to fill (default: DATA_HOME/models). Copy it to an offline machine and set WORKBENCH_MODELS.")
@click.pass_context
@handle_errors
def models_pull(ctx: click.Context, profile: str | None, model_ids: tuple[str, ...], dest: str | None) -> None:
    """Download models on a connected machine into a folder an offline machine can load from."""
    from pathlib import Path

    from ..choice.locate import pull, pull_failure
    from ..models.base import TINY_PREFIX

    ids = _pull_ids(profile, model_ids)
    hub_ids = [m for m in ids if not m.startswith(TINY_PREFIX)]
    for model_id in ids:
        if model_id.startswith(TINY_PREFIX):
            click.echo(f"skip {model_id}: tiny models are built locally on first use")
    if not hub_ids:
        click.echo("nothing to pull: tiny models are built on this machine when first used (no download, "
                   "no WORKBENCH_MODELS needed)")
        return
    target = Path(dest) if dest else ctx.obj["home"].path / "models"
    failed, logged = [], None
    for model_id in hub_ids:
        try:
            folder = pull(model_id, target)
        except WorkbenchError as exc:
            reason = str(exc)
        except Exception as exc:  # network or hub errors: one line here, the traceback in the log
            from ..logs import log_exception

            logged = log_exception(_home(), "cli", "pulling %s failed", model_id) or logged
            reason = pull_failure(exc)
        else:
            click.echo(f"pulled {model_id} -> {folder}")
            continue
        click.echo(f"error: could not pull {model_id}: {reason}", err=True)
        failed.append(model_id)
    if failed:
        raise WorkbenchError(f"{len(failed)} model(s) not pulled: {', '.join(failed)}"
                             + (f" (details in {logged})" if logged else ""))
    click.echo(f"done. On the offline machine: export WORKBENCH_MODELS={target.resolve()}")


def _pull_ids(profile: str | None, model_ids: tuple[str, ...]) -> list[str]:
    """The models `models pull` fetches: --model ids, plus a profile's (--profile, or quality when none is named)."""
    from ..choice.profiles import PROFILES

    ids = list(model_ids)
    if profile or not ids:
        chosen = PROFILES.get(profile or "quality")
        if chosen is None:
            raise WorkbenchError(f"unknown profile {profile!r}; known: {', '.join(PROFILES)}")
        ids += [r.model for r in chosen.routes.values()] + [chosen.summarizer]
    return list(dict.fromkeys(ids))


@cli.command("export")
@click.argument("article_ids", nargs=-1)
@click.option("--all", "all_articles", is_flag=True, help="Every article in the store.")
@click.option("--to", "to", default=DEFAULT_TARGETS, show_default=True, help=LANG_HELP)
@click.option("--format", "fmt", type=click.Choice(format_names()), default="xliff", show_default=True,
              help="Output format.")
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="File to write (atomically).")
@click.option("--status", type=click.Choice(STATUSES), default=None,
              help="Only article languages with this review status (e.g. approved).")
@click.option("--source", type=click.Choice(["current", "machine"]), default="current", show_default=True,
              help="Export the current (reviewed) text or the raw machine output.")
@click.pass_context
@handle_errors
def export_cmd(ctx: click.Context, article_ids: tuple[str, ...], all_articles: bool, to: str, fmt: str, out: str,
               status: str | None, source: str) -> None:
    """Export translations: XLIFF 1.2 (state, notes with flags and provenance, TM matches), TMX 1.4 pairs,
    JSONL, CSV/TSV (one row per segment), a bilingual DOCX, or plain text."""
    from ..exchange.export import write

    if not article_ids and not all_articles:
        raise click.UsageError("name article ids or pass --all")
    with _workbench(ctx) as wb:
        ids = wb.store.article_ids() if all_articles else list(article_ids)
        data, pairs = wb.render_export(ids, _targets(to), fmt, status=status, source=source)
    write(data, out)
    click.echo(f"wrote {out}: {fmt}, {pairs} article-language pairs, {len(data)} bytes")


@cli.command("import-xliff")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print JSON: {applied, unchanged, conflicts, unknown, ok}.")
@click.pass_context
@handle_errors
def import_xliff_cmd(ctx: click.Context, file: str, as_json: bool) -> None:
    """Bring back an XLIFF edited outside: changed targets become revisions by "xliff:FILE"; units changed here
    since the export are conflicts and are not applied; unknown ids are reported. Nothing is overwritten."""
    from .render import XliffText

    with _workbench(ctx) as wb:
        report = wb.import_xliff(file)
    emit(XliffText(report), as_json)


@cli.command("qa")
@click.argument("article_ids", nargs=-1)
@click.option("--all", "all_articles", is_flag=True, help="Every article in the store.")
@click.option("--to", "to", default=DEFAULT_TARGETS, show_default=True, help=LANG_HELP)
@click.option("--facts", is_flag=True, help="Add the fact checks (numbers, names, quotations, omissions, language, "
              "English/Russian agreement; see docs/checks.md) to every translation's flags.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON: a list of {article_id, segment_id, lang, flags, details, source, text}.")
@click.pass_context
@handle_errors
def qa_cmd(ctx: click.Context, article_ids: tuple[str, ...], all_articles: bool, to: str, facts: bool,
           as_json: bool) -> None:
    """List flagged segments (glossary, numbers, untranslated Arabic, empty, copied, repetition, length) with details."""
    from ..review.qa import qa_report

    if not article_ids and not all_articles:
        raise click.UsageError("name article ids or pass --all")
    langs = _targets(to)
    with _workbench(ctx) as wb:
        ids = wb.store.article_ids() if all_articles else list(article_ids)
        if facts:
            from ..runs.queue import qa_with_facts

            emit(qa_with_facts(wb.store, [wb.article(article_id) for article_id in ids], langs), as_json)
            return
        emit(qa_report((wb.article(article_id) for article_id in ids), langs), as_json)


@cli.command("glossary")
@click.option("--json", "as_json", is_flag=True, help="Print JSON: a list of {ar, en, ru, note} with variants as lists.")
@click.option("--history", "show_history", is_flag=True, help="List the earlier versions kept by every save, newest first.")
@click.option("--restore", metavar="NAME", default=None, help="Make an earlier version (a name from --history) current again.")
@click.option("--import", "import_file", metavar="CSV", type=click.Path(dir_okay=False), default=None,
              help="Replace the glossary with a CSV file's terms (ar,en,ru[,note]; every row checked).")
@click.option("--export", "export_file", metavar="CSV", type=click.Path(dir_okay=False), default=None,
              help="Write the glossary as a CSV file (the --import format).")
@click.pass_context
@handle_errors
def glossary_cmd(ctx: click.Context, as_json: bool, show_history: bool, restore: str | None, import_file: str | None,
                 export_file: str | None) -> None:
    """Show the glossary (kept in the store, started from the starter glossary; edit it in the UI or import a CSV)."""
    from pathlib import Path

    from ..files import atomic_write
    from ..review.glossary import history, import_csv, to_csv, version
    from ..review.glossary import restore as restore_version
    from .render import GlossaryHistory, GlossaryText

    with _workbench(ctx) as wb:
        if restore:
            restored = restore_version(wb.store, restore, author="cli")
            click.echo(f"restored {restore}: {len(restored)} terms (the version it replaced is in the history)")
        elif import_file:
            imported = import_csv(wb.store, Path(import_file), author="cli")
            click.echo(f"imported {import_file}: {len(imported)} terms (the version it replaced is in the history)")
        elif export_file:
            atomic_write(export_file, to_csv(wb.glossary()))
            click.echo(f"wrote {export_file}: {len(wb.glossary())} terms")
        elif show_history:
            emit(GlossaryHistory(history(wb.store)), as_json)
        else:
            emit(GlossaryText(wb.glossary(), f"glossary version {version(wb.store)} in {wb.store.path}"), as_json)


@cli.command("eval")
@click.argument("refs", required=False, type=click.Path(exists=True, dir_okay=False))
@click.option("--src", type=click.Path(exists=True, dir_okay=False), default=None, help="FLORES-style source file (one Arabic sentence per line).")
@click.option("--ref", "ref_files", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="FLORES-style reference file, its language from the suffix (.eng_Latn, .rus_Cyrl); repeatable.")
@click.option("--to", "to", default=None, help="Languages to score (default: those the references have).")
@click.option("--compare", "compare", default=None, metavar="ID_OR_PATH",
              help="Also translate with this model and test the difference (paired bootstrap resampling).")
@click.option("--approved", is_flag=True,
              help="Score the stored machine output against approved human translations instead (per model).")
@click.option("--checks", "checks_file", type=click.Path(exists=True, dir_okay=False), default=None,
              help="Measure the fact checks instead on a JSONL file of labelled cases (id, source, lang, target, other, "
                   "errors): precision and recall per error kind, false alarms on clean cases.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON: {sentences, note, languages: per language {model, scores, compare}}.")
@model_options
@click.pass_context
@handle_errors
def eval_cmd(ctx: click.Context, refs: str | None, src: str | None, ref_files: tuple[str, ...], to: str | None,
             compare: str | None, approved: bool, checks_file: str | None, as_json: bool, **model_kw: Any) -> None:
    """Score the models on reference translations (TSV/JSONL with ar,en,ru columns, or --src/--ref files) with
    sacrebleu: BLEU, chrF++ and TER with their signatures, through the same engines, cache and settings as translate;
    or, with --checks, measure the fact checks on labelled cases."""
    from ..choice.plan import ModelSet
    from ..choice.profiles import select
    from ..runs.evaluation import evaluate, evaluate_approved, evaluate_languages, read_references

    if checks_file:
        from ..runs.check_eval import evaluate_checks

        emit(evaluate_checks(checks_file), as_json)
        return
    if approved:
        with _workbench(ctx) as wb:
            emit(evaluate_approved(wb.store, _targets(to) if to else list(TARGETS)), as_json)
        return
    references = read_references(refs, src=src, refs=list(ref_files))
    langs = evaluate_languages(references, _targets(to) if to else None)
    args = _model_args(**model_kw)
    with _workbench(ctx, **args) as wb:
        def other(lang: str) -> ModelSet:  # the same settings with `compare` writing `lang`
            return ModelSet(select(home=wb.home, **{**args, "models": {**args["models"], lang: compare}}), home=wb.home)

        emit(evaluate(wb.models, references, langs, other if compare else None), as_json)


@cli.command("effort")
@click.option("--by", "by", type=click.Choice(["model", "lang", "reviewer", "article"]), default="model", show_default=True,
              help="Group the numbers by this.")
@click.option("--json", "as_json", is_flag=True,
              help="Print JSON: a list of {model, segments, edited, edited_share, hter, seconds_per_segment, "
                   "seconds_per_word, timed_segments} (model: the --by group).")
@click.pass_context
@handle_errors
def effort_cmd(ctx: click.Context, by: str, as_json: bool) -> None:
    """Post-editing effort: segments reviewed, share edited, HTER (TER from machine output to the final text) and
    editing time per segment and per word, per model, language, reviewer or article."""
    from .render import EffortTable

    with _workbench(ctx) as wb:
        emit(EffortTable(run(wb, "effort", by=by).rows, by), as_json)


@cli.command("check")
@click.pass_context
@handle_errors
def check_cmd(ctx: click.Context) -> None:
    """Check the store's integrity (SQLite's quick check) and say whether it can be written."""
    from ..store import Store

    path = ctx.obj["home"].database
    if not path.exists():
        raise WorkbenchError(f"no store at {path} yet (import something first)")
    with Store(path) as store:
        counts = store.counts()
        mode = "read-only" if store.read_only else "writable"
    click.echo(f"{path}: ok ({mode}; " + ", ".join(f"{v} {k}" for k, v in counts.items()) + ")")


@cli.command("backup")
@click.argument("dest", type=click.Path(dir_okay=False))
@click.pass_context
@handle_errors
def backup_cmd(ctx: click.Context, dest: str) -> None:
    """Copy the store to DEST consistently, even while the server or a batch writes (SQLite's online backup).
    Restore by stopping the workbench and copying DEST over DATA_HOME/workbench.sqlite (docs/safety.md, Data safety)."""
    from ..store import Store

    path = ctx.obj["home"].database
    if not path.exists():
        raise WorkbenchError(f"no store at {path} to back up")
    with Store(path) as store:
        target = store.backup(dest)
    click.echo(f"backed up {path} to {target} ({target.stat().st_size} bytes, integrity checked)")


LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind; anything but loopback needs --auth.")
@click.option("--port", default=7860, show_default=True, type=int, help="Port to listen on.")
@click.option("--auth", default=None, metavar="USER:PASSWORD", help="Require this login; the user name is recorded with saves.")
@click.option("--auth-file", type=click.Path(exists=True, dir_okay=False), default=None,
              help="File with one USER:PASSWORD per line.")
@click.option("--allowed-host", multiple=True, metavar="NAME",
              help="Also answer requests for this Host name (a reverse proxy's public name); repeatable.")
@click.option("--trusted-proxy", multiple=True, metavar="ADDRESS",
              help="Take the client address from X-Forwarded-For when the request comes from this proxy; repeatable.")
@model_options
@click.pass_context
@handle_errors
def serve_cmd(ctx: click.Context, host: str, port: int, auth: str | None, auth_file: str | None,
              allowed_host: tuple[str, ...], trusted_proxy: tuple[str, ...], **model_kw: Any) -> None:
    """Open the review UI: articles, aligned original and translations, edit, history, diff, approve."""
    from ..settings import allowed_hosts, trusted_proxies
    from .auth import read_auth
    from .guard import make_guard

    credentials = read_auth(auth, auth_file)
    guard = make_guard(host, [*allowed_host, *allowed_hosts(ctx.obj["home"])],
                       [*trusted_proxy, *trusted_proxies(ctx.obj["home"])])
    if host not in LOOPBACK and not credentials:
        raise WorkbenchError(
            f"refusing to serve on {host} without a login: anyone on the network could edit translations. "
            "Add --auth USER:PASSWORD (or --auth-file FILE), or keep the default --host 127.0.0.1.")
    from .ui import launch

    origin = "--profile"
    if not model_kw["profile"]:
        model_kw["profile"], origin = _home_profile(ctx)
    wb = _workbench(ctx, **_model_args(**model_kw))
    _serve_banner(wb, f"http://{host}:{port}", origin)
    click.echo(guard.describe())
    from ..newsroom import webhook
    from .cli_newsroom import warn_webhook

    warn_webhook(ctx.obj["home"])
    loop = webhook.start(wb.home)  # sends the store's outbox (approvals made here, and what a stopped process left)
    try:
        launch(wb, host=host, port=port, auth=credentials, guard=guard)
    finally:
        if loop is not None:
            loop.stop()
    from ..runs import interrupts

    if interrupts.pending():  # Gradio stops the server on Ctrl-C and returns; the README promises exit 130
        click.echo("\nstopped (Ctrl-C); every save was already written", err=True)
        sys.exit(130)


def _serve_banner(wb: Any, url: str, origin: str) -> None:
    """Where, with which profile, engine and device; a warning per model that is not on this machine."""
    from ..choice.locate import local_copy, profile_hint
    from ..models.hf import resolve_device

    selection = wb.selection()
    device = resolve_device(selection.device)  # what "auto" means here (and no GPU for --device cuda: one error)
    engines = wb.models.planned_engines(device)
    engine = next(iter(set(engines.values()))) if len(set(engines.values())) == 1 else \
        ", ".join(f"{role} {name}" for role, name in engines.items())
    click.echo(f"serving {wb.home.path.resolve()} on {url} (Ctrl-C stops)")
    click.echo(f"profile {selection.profile} ({origin}; --profile to choose), engine {engine}, device {device}")
    if selection.meaningless:
        click.echo(MEANINGLESS_NOTE)
    roles = [(lang, r.model) for lang, r in selection.routes.items()] + [("summary", selection.summarizer)]
    for role, spec in roles:
        if local_copy(spec, wb.home) is None:
            hint = profile_hint(spec, selection.profile)
            pull = f"--profile {hint}" if hint else f"--model {spec}"
            click.echo(f"warning: {role} model {spec} is not on this machine: re-translating or summarizing in the UI "
                       f"will download it (or fail offline); `workbench models pull {pull}` fetches it", err=True)


def add_home_option(command: click.Command) -> None:
    """`--home DIR` after the command name too (`workbench list --home X`); it overrides the one before it."""
    for sub in command.commands.values() if isinstance(command, click.Group) else ():
        add_home_option(sub)
    if command is not cli and not any(p.name == "home" for p in command.params):
        command.params.append(click.Option(["--home"], default=None, metavar="DIR", expose_value=False,
                                           is_eager=True, callback=_set_home,
                                           help="Data folder (as `workbench --home DIR COMMAND`)."))


from . import cli_checks, cli_newsroom, cli_ops  # noqa: E402, F401  (register ledger, queue; feeds, watch, publish; `op`)

add_home_option(cli)

