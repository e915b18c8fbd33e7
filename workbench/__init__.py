"""Arabic news translation workbench: import, translate (ar→en, ar→ru), summarize, review, export."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["Workbench", "__version__"]

if TYPE_CHECKING:
    from .app.api import Workbench


def __getattr__(name: str) -> Any:  # keep `import workbench` light; the API loads on first use
    if name == "Workbench":
        from .app.api import Workbench

        return Workbench
    raise AttributeError(name)
