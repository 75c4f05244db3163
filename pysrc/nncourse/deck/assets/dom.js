// One DOM helper for the deck's scripts (explorers.js, live_r.js).
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
})(globalThis);
