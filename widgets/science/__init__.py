"""Pure science functions and models of the course (numpy/scipy only).

Importing this package never imports ipywidgets or plotly. Every function
checks its inputs and raises ``ValueError`` naming the field and its allowed
range; every clinical rule or number cites its source in its docstring, and
published values live in ``widgets.science.published`` next to their citation key.

Each topic module lists its public names in ``__all__``; they are all
re-exported here (add a topic module to both lines below).
"""

from . import _validate, aplastic, autoimmune, gene_editing, intro, published, risks
from ._validate import *  # noqa: F403
from .aplastic import *  # noqa: F403
from .autoimmune import *  # noqa: F403
from .gene_editing import *  # noqa: F403
from .intro import *  # noqa: F403
from .published import Sourced
from .risks import *  # noqa: F403

__all__ = [
    *_validate.__all__,
    *intro.__all__,
    *aplastic.__all__,
    *autoimmune.__all__,
    *gene_editing.__all__,
    *risks.__all__,
    "Sourced",
    "published",
]
