"""Typed errors for expected failures. The CLI turns each into a one-line message."""

from __future__ import annotations


class WorkbenchError(Exception):
    """Base class for every error the workbench expects and reports cleanly."""


class ImportProblem(WorkbenchError):
    """A file (or one line of it) could not be imported."""

    def __init__(self, path: str, reason: str):
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class ArticleNotFound(WorkbenchError):
    def __init__(self, article_id: str):
        self.article_id = article_id
        super().__init__(f"no article with id {article_id!r} (see `workbench list`)")


class SegmentNotFound(WorkbenchError):
    def __init__(self, segment_id: str):
        super().__init__(f"no segment with id {segment_id!r}")


class ConflictError(WorkbenchError):
    """A save was based on a revision that is no longer the current one."""

    def __init__(self, base_revision_id: int | None, current_revision_id: int | None,
                 current_text: str, current_author: str | None):
        self.base_revision_id = base_revision_id
        self.current_revision_id = current_revision_id
        self.current_text = current_text
        self.current_author = current_author
        super().__init__(
            f"conflict: this text was changed by {current_author or 'someone else'} "
            f"(revision {current_revision_id}) after you opened it (revision {base_revision_id}); "
            f"their text is: {current_text!r}"
        )


class UnknownModelError(WorkbenchError):
    """A model name that no registry entry, profile or local folder knows."""


class ModelNotAvailable(WorkbenchError):
    """A model could not be loaded because its files are not on this machine."""

    def __init__(self, model_id: str, task: str, profile: str | None = None, detail: str = ""):
        self.model_id = model_id
        self.task = task
        pull = f"workbench models pull --profile {profile}" if profile else f"workbench models pull --model {model_id}"
        msg = (
            f"model {model_id} ({task}) is not available on this machine. "
            f"On a connected machine run `{pull} --to DIR`, copy DIR here and set WORKBENCH_MODELS=DIR "
            f"(or pass a local folder with --model). Nothing was changed."
        )
        if detail:
            msg += f" [{detail}]"
        super().__init__(msg)


class LicenceRefused(WorkbenchError):
    """A model's licence does not satisfy the requested licence policy."""


class TemplateError(WorkbenchError):
    """A prompt template is malformed."""


class MissingVariables(TemplateError):
    def __init__(self, template: str, names: list[str]):
        self.names = names
        super().__init__(f"prompt template {template!r} needs values for: {', '.join(names)}")


class ExportError(WorkbenchError):
    """An export could not be written."""


class EngineUnavailable(WorkbenchError):
    """An engine cannot run a model here (not installed, no library for the device, cannot convert the model)."""


class InputTooLarge(ImportProblem):
    """A file (or one JSONL line or Parquet row) is over the import size limit; it was not read into memory."""


class InputTooDeep(ImportProblem):
    """A JSON record is nested deeper than the import allows."""


class DuplicateArticleId(ImportProblem):
    """Two inputs of one import run give the same article id; the second is not imported over the first."""


class SkippedEntry(ImportProblem):
    """An entry inside an imported folder that is not read: a link leaving the folder, a pipe, socket or device."""
