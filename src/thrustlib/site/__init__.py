"""Rendering: library -> views, pages, JSON-LD, the JSON API, and the one writer."""

from __future__ import annotations
