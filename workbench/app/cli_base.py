"""What every `workbench` command shares: the group itself, error handling, the model options, the target
languages, the data home. `cli.py` defines the commands on the group; `cli_newsroom.py` adds its own."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any

import click

from .. import __version__
from ..errors import WorkbenchError
from ..languages import TARGETS, parse_targets
from ..settings import Home

INTERRUPTED = "Interrupted; everything saved so far is kept (run the same command again to go on)."


def run(wb: Any, name: str, **arguments: Any) -> Any:
    """The typed result of the service's operation `name` (`app/service.py`), for a command that renders it: the
    same checks and code the page and `gradio_client` get; a refusal raises its one-line WorkbenchError."""
    from .catalog import registry
    from .params import BadArgument

    try:
        return registry()[name].run(wb, **arguments)
    except BadArgument as exc:  # the operation's name means nothing on the command line
        raise BadArgument(str(exc).removeprefix(f"{name}: ")) from None


def handle_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Expected failures become one-line messages with exit code 1, never a traceback; Ctrl-C exits 130 with one
    line; a closed pipe (`workbench list | head -1`) is left to click, which exits quietly."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from ..runs import interrupts

        try:
            with interrupts.guard():  # a Ctrl-C that a finalizer swallowed still ends the command (exit 130)
                result = fn(*args, **kwargs)
                interrupts.check()
            return result
        except WorkbenchError as exc:
            raise click.ClickException(str(exc)) from exc
        except click.ClickException:
            raise
        except KeyboardInterrupt:
            click.echo(f"\n{INTERRUPTED}", err=True)
            sys.exit(130)
        except BrokenPipeError:
            raise  # click's main silences stdout and exits (Python docs, "Note on SIGPIPE")
        except OSError as exc:  # a file or folder the user named cannot be read or written
            where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
            raise click.ClickException(f"{where}{exc.strerror or exc}") from exc
        except Exception as exc:
            # A bug: its traceback goes to the data home's log (when it can be written), the user gets one line.
            from ..logs import log_exception

            log_file = log_exception(_home(), "cli", "unexpected error in %s", fn.__name__)
            where = f"the traceback is in {log_file}" if log_file else "the log file could not be written"
            raise click.ClickException(f"internal error ({type(exc).__name__}: {str(exc)[:200]}); {where}") from exc

    return wrapper


def _home() -> Home:
    """The data home of the running command, as the group resolved it (--home before or after its name, or
    $WORKBENCH_HOME)."""
    ctx = click.get_current_context(silent=True)
    return ((ctx.obj or {}).get("home") if ctx else None) or Home.resolve()


def _set_home(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    """`--home DIR` after a command's name: it overrides the one before it."""
    if value is not None:
        ctx.ensure_object(dict)["home"] = Home.resolve(value)


def _workbench(ctx: click.Context, **model_args: Any) -> Any:
    from .api import Workbench

    return Workbench(ctx.obj["home"], **model_args)


def ray_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """--runner and the Ray settings of `translate`."""
    fn = click.option("--shards", type=click.Choice(["jsonl", "parquet"]), default="jsonl", show_default=True,
                      help="Shard format of a Ray run's --out folder.")(fn)
    fn = click.option("--shard-size", type=click.IntRange(min=1), default=100, show_default=True,
                      help="Articles per shard of a Ray run (one is also written at least every minute).")(fn)
    fn = click.option("--ray-gpus", type=click.FloatRange(min=0), default=0.0,
                      help="GPUs per model actor (1: one actor per GPU).")(fn)
    fn = click.option("--ray-cpus", type=click.FloatRange(min=0), default=0.0,
                      help="CPUs per model actor (default: --threads, within the cluster).")(fn)
    fn = click.option("--ray-actors", type=click.IntRange(min=0), default=0,
                      help="Actors per model stage (default: as many as the cluster holds).")(fn)
    fn = click.option("--ray-local-cpus", type=click.IntRange(min=1), default=None,
                      help="CPUs of the local Ray started when no --address is given (default: all).")(fn)
    fn = click.option("--address", default=None, metavar="RAY_ADDRESS",
                      help="A running Ray cluster (ray://head:10001); default: start a local Ray for this run.")(fn)
    return click.option("--runner", type=click.Choice(["local", "ray"]), default="local", show_default=True,
                        help="local: this process and the store; ray: a Ray Data pipeline writing shards to --out.")(fn)


def model_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """--profile, --model, --summarizer, --device, --engine, --threads, --licence: shared by commands that run models."""
    from ..models.registry import ENGINE_CHOICES

    fn = click.option("--threads", type=click.IntRange(min=1), default=None,
                      help="CPU threads for model work (default: the cores this process may use, or $WORKBENCH_THREADS).")(fn)
    fn = click.option("--engine", type=click.Choice(ENGINE_CHOICES), default=None,
                      help="auto (CTranslate2 where it can run the model, else transformers), transformers or ct2.")(fn)
    fn = click.option("--licence", "--license", "licence", type=click.Choice(["any", "permissive"]), default=None,
                      help="'permissive' refuses models with non-commercial or unknown licences.")(fn)
    fn = click.option("--device", default=None, callback=_device, metavar="auto|cpu|cuda|cuda:N",
                      help="auto (CUDA if present, else CPU), cpu, cuda, cuda:1 …")(fn)
    fn = click.option("--summarizer", default=None, metavar="ID_OR_PATH", help="Summary model (hub id or folder).")(fn)
    fn = click.option("--model", "model_overrides", multiple=True, metavar="LANG=ID_OR_PATH",
                      help="Replace a translation model, e.g. --model en=Helsinki-NLP/opus-mt-ar-en (repeatable).")(fn)
    fn = click.option("--profile", default=None,
                      help="quality (default), fast (CPU), llm (LLM translators, GPU), tiny or tiny-llm (offline smoke tests).")(fn)
    return fn


def _device(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """--device checked before anything is imported or loaded (`gpu`, `banana` once ran on the CPU)."""
    from ..choice.profiles import DEVICE_FORMS, check_device

    if value is not None:
        try:
            check_device(value)
        except WorkbenchError:
            raise click.BadParameter(f"{value!r}: use {DEVICE_FORMS}") from None
    return value


def _model_args(profile: str | None, model_overrides: tuple[str, ...], summarizer: str | None, device: str | None,
                licence: str | None, engine: str | None = None, threads: int | None = None) -> dict[str, Any]:
    from ..choice.profiles import parse_model_overrides

    return dict(profile=profile, models=parse_model_overrides(model_overrides), summarizer=summarizer,
                device=device, licence=None if licence == "any" else licence, engine=engine, threads=threads)


def _targets(value: str) -> list[str]:
    try:
        return parse_targets(value)
    except WorkbenchError as exc:
        raise click.BadParameter(str(exc)) from exc


LANG_HELP = f"Target languages, comma-separated ({', '.join(TARGETS)})."
DEFAULT_TARGETS = ",".join(TARGETS)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="workbench")
@click.option("--home", default=None, metavar="DIR",
              help="Data folder (database, caches, config.toml). Default ./workbench-data or $WORKBENCH_HOME. "
                   "Every command also takes it after its name.")
@click.pass_context
def cli(ctx: click.Context, home: str | None) -> None:
    """Arabic news translation workbench: import articles, translate them to English and Russian with
    open models, summarize, review in a web UI and export."""
    ctx.ensure_object(dict)
    ctx.obj["home"] = Home.resolve(home)  # the one resolution of the command's data home (`_set_home` may replace it)


def _home_profile(ctx: click.Context) -> tuple[str | None, str]:
    """The profile `serve` uses without --profile: config.toml's, else the one the home's latest machine output
    was made with (so re-translating in the UI uses the models that made the text), else the default."""
    from ..settings import load_config
    from ..store import Store, reads

    if load_config(ctx.obj["home"]).get("profile"):
        return None, "config.toml"
    path = ctx.obj["home"].database
    if path.exists():
        with Store(path) as store:
            profile = reads.latest_profile(store)
        if profile:
            return profile, "this home's latest translation"
    return None, "the default"
