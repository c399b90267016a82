"""What the preview server adds to HTML it serves: the live-reload script and the overlay.

None of this is part of the theme or the built files: the server injects it into each
HTML response, so ``thrustlib build`` output never carries preview code.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable

from thrustlib.errors import Problem

EVENTS_PATH = "/__thrustlib/events"
"""Long-poll endpoint: answers when the build generation differs from the page's."""

# The page knows the server's boot id and the generation it was built from. It asks the
# server to answer once either differs, and reloads then. When the server is gone (a
# restart, Ctrl-C), it retries with growing pauses and reloads once it answers with a new
# boot id, so a page left open picks up a restarted preview by itself.
_SCRIPT = """<script data-thrustlib-live>
(() => {
  const state = %(state)s;
  let pause = 250;
  const sleep = (ms) => new Promise((done) => setTimeout(done, ms));
  async function watch() {
    for (;;) {
      try {
        const query = `?boot=${state.boot}&generation=${state.generation}`;
        const answer = await fetch(state.url + query, { cache: "no-store" });
        if (!answer.ok) throw new Error(`HTTP ${answer.status}`);
        const now = await answer.json();
        pause = 250;
        if (now.boot !== state.boot || now.generation !== state.generation) {
          location.reload();
          return;
        }
        // Too many pages are waiting already: the server answered at once, so wait here.
        if (now.busy) await sleep(1000);
      } catch (error) {
        await sleep(pause);
        pause = Math.min(pause * 2, 5000);
      }
    }
  }
  watch();
})();
</script>
"""

_OVERLAY_STYLE = """
#thrustlib-overlay{position:fixed;inset:0;z-index:2147483647;overflow:auto;
background:rgba(20,20,24,.94);color:#f4f4f5;font:15px/1.5 ui-monospace,SFMono-Regular,
Menlo,Consolas,monospace;padding:2rem}
#thrustlib-overlay h2{margin:0 0 .5rem;color:#fca5a5;font-size:1.2rem}
#thrustlib-overlay p{margin:0 0 1rem;color:#d4d4d8}
#thrustlib-overlay ol{margin:0;padding-left:1.5rem}
#thrustlib-overlay li{margin:.5rem 0;white-space:pre-wrap}
#thrustlib-overlay .where{color:#93c5fd}
#thrustlib-overlay .reason{color:#a1a1aa;display:block;padding-left:1rem}
#thrustlib-overlay button{position:absolute;top:1rem;right:1rem;font:inherit;
background:#3f3f46;color:inherit;border:0;border-radius:4px;padding:.25rem .75rem}
"""


def live_script(boot: str, generation: int) -> str:
    """The live-reload ``<script>`` for a page served at ``generation``."""
    state = json.dumps({"boot": boot, "generation": generation, "url": EVENTS_PATH})
    # json.dumps leaves "</" alone; escaping it keeps the element from being closed early.
    return _SCRIPT % {"state": state.replace("</", "<\\/")}


def overlay(problems: Iterable[Problem]) -> str:
    """A full-window panel listing build errors; every piece of text is HTML-escaped."""
    items = []
    for problem in problems:
        where = html.escape(problem.location)
        where_html = f'<span class="where">{where}</span>: ' if where else ""
        reasons = "".join(
            f'<span class="reason">Reason: {html.escape(r)}</span>' for r in problem.reasons
        )
        items.append(f"<li>{where_html}{html.escape(problem.message)}{reasons}</li>")
    count = len(items)
    return (
        f"<style>{_OVERLAY_STYLE}</style>"
        '<div id="thrustlib-overlay" role="alert">'
        '<button type="button" onclick="this.parentNode.remove()">Hide</button>'
        f"<h2>The build failed with {count} error{'s' if count != 1 else ''}</h2>"
        "<p>The preview shows the last good build; it reloads when the files are fixed.</p>"
        f"<ol>{''.join(items)}</ol></div>"
    )


def inject(page: bytes, addition: str) -> bytes:
    """``page`` with ``addition`` just before its last ``</body>`` (or at the end)."""
    data = addition.encode("utf-8")
    at = page.lower().rfind(b"</body>")
    if at < 0:
        return page + data
    return page[:at] + data + page[at:]


def error_page(problems: Iterable[Problem]) -> str:
    """A page for when there has never been a good build to show."""
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        "<title>Build failed · thrustlib preview</title></head><body>"
        f"{overlay(problems)}</body></html>"
    )
