"""The faster reading of exercise bodies: one module, behind one switch.

A build reads most bodies here; ``parse_body(..., fast=False)`` reads every body with
the reference parser alone (:func:`thrustlib.content.markdown.reference_markdown`:
markdown-it-py's "commonmark" preset with tables and strikethrough, raw HTML off). Both
give the same model: ``tests/test_reading_reference.py`` holds this module to plain
markdown-it-py on generated documents, non-ASCII digits and letters included. Two
shortcuts live here:

- :func:`scan` reads a body of the common shape (``#`` headings, tight lists of one-line
  items such as ``1. **Label**: text`` with one level of one-line sub-bullets,
  paragraphs, lines of bold text such as ``**Setup:**``, the ``<!-- howto -->`` marker;
  text with bold, emphasis and http(s) links whose delimiters are unambiguous;
  lines ending in spaces) straight from its lines into the blocks
  :mod:`thrustlib.content.body` walks, with the HTML, plain text and list items the
  tokens would give, and declines (``None``) at the first line it is not certain about;
- :func:`markdown` is markdown-it-py configured as the reference, with block lines
  routed by their first character and inline parses skipped where the result is one
  text token, for every body the scanner declines.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from thrustlib.content.fastpath.scanner import ScannedBlock, scan

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

__all__ = ["ScannedBlock", "markdown", "scan"]


def markdown() -> MarkdownIt:
    """The reference parser with the shortcuts (``tokens.MD``).

    Its module, and markdown-it-py with it, is imported by the first body the scanner
    declines, in the process that reads it: a build of bodies the scanner reads never
    imports them.
    """
    from thrustlib.content.fastpath.tokens import MD

    return MD
