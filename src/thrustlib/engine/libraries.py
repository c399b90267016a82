"""The libraries whose behaviour a build's output depends on, known without importing them.

The cache's keys cover them (:func:`thrustlib.engine.cache.code_fingerprint`): a parse
result or a page made by another markdown-it-py, Jinja or PyYAML is not used again. Each
is known by its ``__init__.py``, which holds its version, read without importing it: a
build with nothing to do loads neither Jinja nor the parser (importing them for their
``__version__`` was 0.1 s of such a build).
"""

from __future__ import annotations

import importlib
import importlib.util

LIBRARIES = ("markdown_it", "jinja2", "yaml")
"""What parses and renders. A test holds each one's version to its ``__init__.py``: a
release that moved it out would fail it, not leave stale results in caches."""


def init_source(name: str) -> bytes:
    """Library ``name``'s ``__init__.py`` as bytes, not imported; where it cannot be read
    so (a library in a zip or a frozen bundle, say), its version, imported."""
    spec = importlib.util.find_spec(name)
    get_data = getattr(spec.loader, "get_data", None) if spec is not None else None
    try:
        if spec is not None and spec.origin and get_data is not None:
            return bytes(get_data(spec.origin))
    except OSError:
        pass
    return repr(importlib.import_module(name).__version__).encode()
