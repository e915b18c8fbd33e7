"""Every operation of the service, loaded: importing this module declares them all (the review surface's in
`operations.py`, the CAT editor's in `operations_cat.py`, the fact checks' in `operations_checks.py`, the newsroom's in `operations_newsroom.py`). The
adapters (the page's server function, the named endpoints, `workbench op`) read the registry through `registry()`.
"""

from __future__ import annotations

from . import operations, operations_cat, operations_checks, operations_newsroom  # noqa: F401  (each declares its operations)
from .service import OPERATIONS, Operation


def registry() -> dict[str, Operation]:
    """Every declared operation by name."""
    return OPERATIONS
