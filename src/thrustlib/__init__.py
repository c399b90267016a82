"""thrustlib: a static-site generator for exercise libraries written in Markdown."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
