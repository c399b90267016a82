"""The engine every command drives: files in, library and pages out; cache and processes."""

from __future__ import annotations
