"""The preview: an in-memory site over HTTP that follows edits (server, watcher, reload script)."""

from __future__ import annotations
