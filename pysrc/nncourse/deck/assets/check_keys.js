// The page's half of the key check (nncourse.deck.slidecheck): after a click on each control
// of an explorer or live-R block, every deck key must move the deck and none may run R. The
// clicks and keys are real input (Playwright's mouse and keyboard); what is read and set
// between them is one evaluation per click: nncourseKeys.next(index, step, selector) says
// what the last key did, puts the deck back on the slide and step that show the control, and
// says where to click it.
(function () {
  "use strict";
  const CONTROLS = ".nncourse-explorer button, .nncourse-explorer input[type=range], .live-r-bar button";
  // how many times live R has run on the page, and where the deck is
  const runs = () => [...document.querySelectorAll(".live-r")].reduce((n, l) => n + Number(l.dataset.runs || 0), 0);
  const at = () => [JSON.stringify(Reveal.getIndices()), runs()];
  // noted by the first listener a key reaches (the window's, capturing: before any control can stop it)
  let atKey = null;
  window.addEventListener("keydown", () => { atKey = at(); }, true);

  /** The slide's controls, each named as the check's messages say it, with the fragment step
      that shows it (-1: shown from the start); each marked for its selector. */
  function controls(index) {
    const slide = Reveal.getSlides()[index];
    return [...slide.querySelectorAll(CONTROLS)].map((c, k) => {
      c.dataset.nncourseControl = `${index}-${k}`;
      const shown = c.closest(".fragment:not(.fade-out)");
      return [(c.closest(".nncourse-explorer") ? "explorer " : "live R ") + (c.getAttribute("aria-label") || c.textContent.trim()),
        shown ? Number(shown.dataset.fragmentIndex) : -1];
    });
  }

  /** Slide `index` at fragment `step` (-1: its first), with no live-R panel open. */
  function show(index, step) {
    document.querySelectorAll(".live-r-output").forEach((panel) => panel.remove());
    document.querySelectorAll(".live-r-open").forEach((slide) => slide.classList.remove("live-r-open"));
    const i = Reveal.getIndices(Reveal.getSlides()[index]);
    Reveal.slide(i.h, i.v, step);
  }

  /** Where a person would click the control (its middle), or null while they cannot, the
      reason kept in `why`: it is not shown (yet: a fragment's fade starts hidden), is
      disabled, lies outside the window, or something else is drawn over its middle. */
  let why = null;
  function aim(selector) {
    const control = document.querySelector(selector), box = control.getBoundingClientRect();
    const x = box.left + box.width / 2, y = box.top + box.height / 2, top = document.elementFromPoint(x, y);
    atKey = null;
    why = !box.width || !box.height || getComputedStyle(control).visibility !== "visible" ? "it is not shown"
      : control.disabled ? "it is disabled"
      : x < 0 || y < 0 || x >= innerWidth || y >= innerHeight ? "it is outside the window"
      : !top ? "nothing is drawn at its middle"
      : !control.contains(top) ? `${top.tagName.toLowerCase()}${[...top.classList].map((name) => "." + name).join("")} is drawn over it`
      : null;
    return why ? null : [x, y];
  }

  /** What the last key did: [where the deck was and the runs when the key arrived (null: it
      never reached the page), the same now]. */
  const pressed = () => [atKey, at()];

  /** The last key's outcome, then the slide and step of the next control shown, and where to click it. */
  function next(index, step, selector) {
    const outcome = pressed();
    show(index, step);
    return [outcome, aim(selector)];
  }

  /** The last key's outcome, then the slide's explorers reset and the slide shown at its start. */
  function done(index) {
    const outcome = pressed();
    document.querySelectorAll(".nncourse-explorer button.reset").forEach((reset) => reset.click());
    show(index, -1);
    return outcome;
  }

  window.nncourseKeys = { controls, next, aim, why: () => why, done };
})();
