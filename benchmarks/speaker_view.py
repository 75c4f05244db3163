"""How long the built-in deck's speaker view takes to show its notes (goal: 2 s).

Run: .venv/bin/python benchmarks/speaker_view.py [DECK] [--repeat 5]

Opens the rendered deck (default: slides/_output, rendered first if missing) in headless
Chromium with the network blocked, goes to a slide with notes, presses S and times the
notes appearing in the speaker view, best and worst of --repeat openings. Before the fix
the view waited for its two previews of the whole deck: 4 to 15 s on a busy machine.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from nncourse.deck import render, slidecheck

GOAL = 2.0
NOTES = "(() => { const v = document.querySelector('.speaker-controls-notes .value'); return !!(v && v.textContent.trim()); })()"


def time_to_notes(deck: Path) -> float:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=slidecheck.chromium_path())
        try:
            page = browser.new_context(offline=True).new_page()
            page.goto(deck.resolve().as_uri() + "#/learning-xor-function-with-glm")
            page.wait_for_function("window.Reveal && Reveal.isReady()")
            start = time.perf_counter()
            with page.expect_popup() as opened:
                page.keyboard.press("s")
            opened.value.wait_for_function(NOTES, timeout=60_000, polling=20)
            return time.perf_counter() - start
        finally:
            browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("deck", nargs="?", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    deck = args.deck or render.rendered_path()
    if not deck.exists():
        deck = render.render("revealjs", use_quarto=False).path
    times = [time_to_notes(deck) for _ in range(args.repeat)]
    print(f"speaker view notes: best {min(times):.2f} s, worst {max(times):.2f} s   goal {GOAL:.0f} s: {'met' if max(times) < GOAL else 'NOT met'}")


if __name__ == "__main__":
    main()
