// One DOM helper for the deck's scripts (explorers.js, live_r.js), and the rule that keeps
// the presenter's keys for the deck.
(function (root) {
  "use strict";
  /** A new element: its attributes, its text, appended to `parent` when given. */
  function html(tag, attrs, text, parent) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    if (text !== undefined) node.textContent = text;
    if (parent) parent.appendChild(node);
    return node;
  }
  root.NncourseDom = { html };

  // Keys belong to the presenter: a clicker sends ArrowRight/Left, PageDown/Up and Space.
  // A control of an explorer or live-R block gives focus back once the mouse or a finger
  // lets go of it, and a deck key pressed while one has focus moves the deck (the control
  // loses focus first, so reveal.js takes the key and a focused button is not pressed by
  // Space). Only a slider reached by Tab keeps its arrows, and an R editor its typing.
  if (root.NncourseKeys) return;
  root.NncourseKeys = true;
  const BLOCKS = ".nncourse-explorer, .live-r, .live-r-output";
  const DECK_KEYS = new Set(["ArrowRight", "ArrowLeft", "PageDown", "PageUp", " "]);
  const control = () => {
    const active = document.activeElement;
    return active && active !== document.body && active.closest && active.closest(BLOCKS) ? active : null;
  };
  const release = () => {
    const active = control();
    if (active && active.tagName !== "TEXTAREA") active.blur();
  };
  document.addEventListener("pointerup", release, true);
  document.addEventListener("pointercancel", release, true);
  document.addEventListener("keydown", (event) => {
    const active = control();
    if (!active || !DECK_KEYS.has(event.key) || active.tagName === "TEXTAREA") return;
    if (active.type === "range" && event.key.startsWith("Arrow")) return;
    active.blur();
  }, true);
})(globalThis);
