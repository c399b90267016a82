"""Reading: exercise files -> front matter, Markdown body, model, library."""

from __future__ import annotations
