"""The stem cell transplantation course's Python package.

* ``widgets.science``: pure computation (numpy/scipy), no widgets, no plotting.
* ``widgets.ui``: the shared building blocks (controls, explorer, theme, quiz,
  references, glossary) that every lesson uses.
* One module per lesson topic (``widgets.intro``, ...), holding its explorers.

Submodules are imported on first use, so ``import widgets`` is cheap.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_LAZY = {"science", "ui", "course", "intro", "aplastic", "autoimmune", "gene_editing", "risks"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
