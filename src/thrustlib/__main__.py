"""``python -m thrustlib``: the same command as ``thrustlib``.

Kept to the entry point alone, as mdformat's is, so that everything a test needs to
call lives in :mod:`thrustlib.cli` and runs in-process.
"""

from __future__ import annotations

from thrustlib.cli import main_entry

main_entry()
