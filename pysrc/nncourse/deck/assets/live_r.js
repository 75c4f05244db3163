// Live R on the deck's R listings: "Edit" and "Run" on each, the code run in the browser
// by webR (R 4.6.0, from ./webr/ beside the deck: `nncourse serve` serves it, offline).
// A listing is <div class="live-r" data-script="lecture_xor.R" data-label="xor-glm">;
// running it first runs the earlier sections of its script (edited or not) in one R
// environment per script, as the deck itself runs them. The lecture's printed output stays
// on the slide; R's live output appears in a panel marked live, below that output (the slide
// scrolls while a panel is open). Served, webR starts in the background as the deck opens,
// so that the first Run in the hall does not wait for it.
(function () {
  "use strict";
  const state = { starting: null, ready: false, envs: {}, done: {} };

  const { html } = globalThis.NncourseDom;

  const codeOf = (listing) => {
    const editor = listing.querySelector("textarea.live-r-editor");
    return editor ? editor.value : listing.querySelector("pre code").textContent;
  };

  /** The block of `slide` (a child of it) that holds `element`. */
  const blockOf = (element, slide) => {
    while (element.parentElement !== slide) element = element.parentElement;
    return element;
  };

  function panelFor(listing) {
    const slide = listing.closest("section");
    const label = listing.dataset.label;
    let panel = slide.querySelector(`.live-r-output[data-label="${label}"]`);
    if (!panel) {
      panel = html("div", { class: "live-r-output", "data-label": label, role: "status" });
      // below the listing's own output (or the listing, where its output is elsewhere)
      const outputs = slide.querySelectorAll(`.r-output[data-label="${label}"]`);
      blockOf(outputs.length ? outputs[outputs.length - 1] : listing, slide).after(panel);
      slide.classList.add("live-r-open");
      const head = html("div", { class: "live-r-head" }, undefined, panel);
      html("span", {}, "live · R 4.6.0 in your browser (webR)", head);
      html("button", { type: "button", class: "live-r-close", "aria-label": "close" }, "×", head).addEventListener("click", () => {
        panel.remove();
        if (!slide.querySelector(".live-r-output")) slide.classList.remove("live-r-open");
      });
      html("pre", { class: "live-r-text" }, "", panel);
    }
    return panel.querySelector(".live-r-text");
  }

  /** webR, started once (a failed start is tried again at the next Run). */
  function startR() {
    if (!state.starting) {
      state.starting = (async () => {
        const { WebR } = await import(new URL("webr/webr.js", location.href).href); // the browser build (webr.mjs is Node's)
        const webR = new WebR({ baseUrl: new URL("webr/", location.href).href, interactive: false });
        await webR.init();
        // warmed as a Run works (a scratch environment, a captured evaluation) on throwaway
        // data: the first capture and the first lm, glm, summary and predict cost seconds in
        // webR, which the first Run in the hall then does not pay
        const scratch = await new webR.REnvironment({});
        await capture(webR, `d <- data.frame(Y = c(0, 1, 1, 0), X1 = c(0, 0, 1, 1), X2 = c(0, 1, 0, 1))
          for (f in list(lm(Y ~ X1 + X2, data = d), glm(Y ~ X1 + X2, data = d, family = binomial(link = "logit")))) {
            print(summary(f)); print(predict(f, newdata = d, type = "response"))
          }`, scratch);
        state.ready = true;
        document.documentElement.dataset.liveR = "ready"; // for the tests
        return webR;
      })();
      state.starting.catch(() => (state.starting = null));
    }
    return state.starting;
  }

  async function capture(webR, code, env) {
    const shelter = await new webR.Shelter();
    try {
      const result = await shelter.captureR(code, { env, withAutoprint: true, captureStreams: true, captureConditions: false });
      return result.output.map((line) => line.data).join("\n"); // stdout and stderr, in R's order
    } finally {
      shelter.purge();
    }
  }

  async function run(listing) {
    listing.dataset.runs = Number(listing.dataset.runs || 0) + 1; // counted by render --check
    const out = panelFor(listing);
    const say = (text) => {
      out.textContent = text;
      const panel = out.closest(".live-r-output");
      panel.closest("section").scrollTop = panel.offsetTop - 8; // the slide (only it) scrolls to the panel
    };
    if (location.protocol === "file:") {
      say("Live R needs a web server: run `nncourse serve` and open the address it prints.\n(webR, R in the browser, cannot start from a file.)");
      return;
    }
    try { // a failure of webR itself (its start, a lost worker) is said in the panel too
      if (!state.ready) say("Starting R 4.6 in your browser (webR; about 10 s after the deck opens) ...");
      const webR = await startR();
      say("Running ...");
      const script = listing.dataset.script;
      if (!state.envs[script]) state.envs[script] = await new webR.REnvironment({});
      const env = state.envs[script];
      state.done[script] = state.done[script] || new Set();
      // the sections before this one, in page order, once each (the deck runs them in order too)
      for (const earlier of document.querySelectorAll(`.live-r[data-script="${script}"]`)) {
        if (earlier.dataset.label === listing.dataset.label) break;
        if (state.done[script].has(earlier.dataset.label)) continue;
        const printed = await capture(webR, codeOf(earlier), env); // R's errors are printed, not thrown
        if (/^Error\b/m.test(printed)) {
          say(`The earlier section "${earlier.dataset.label}" failed, so this one did not run:\n${printed}`);
          return;
        }
        state.done[script].add(earlier.dataset.label);
      }
      say(await capture(webR, codeOf(listing), env) || "(R printed nothing)");
      state.done[script].add(listing.dataset.label);
    } catch (error) {
      say(`Error: ${String(error.message || error).replace(/^Error:\s*/, "")}`);
    }
  }

  function toggleEdit(listing, button) {
    const pre = listing.querySelector("pre");
    let editor = listing.querySelector("textarea.live-r-editor");
    if (!editor) {
      editor = html("textarea", { class: "live-r-editor", spellcheck: "false", "aria-label": "R code" }, undefined, listing);
      editor.value = pre.querySelector("code").textContent;
      editor.rows = Math.max(2, editor.value.split("\n").length);
      editor.addEventListener("keydown", (event) => event.stopPropagation()); // typing is not navigating
      editor.hidden = true;
    }
    const editing = editor.hidden;
    editor.hidden = !editing;
    pre.hidden = editing;
    button.textContent = editing ? "Done" : "Edit";
    if (editing) editor.focus();
  }

  function start() {
    document.querySelectorAll(".live-r:not([data-live])").forEach((listing) => {
      listing.setAttribute("data-live", "");
      const bar = html("div", { class: "live-r-bar" }, undefined, listing);
      const edit = html("button", { type: "button", class: "live-r-edit" }, "Edit", bar);
      const go = html("button", { type: "button", class: "live-r-run" }, "Run", bar);
      edit.addEventListener("click", () => toggleEdit(listing, edit));
      go.addEventListener("click", () => run(listing));
    });
  }

  // The speaker view's two previews of the deck (reveal.js's ?receiver) and the handout's
  // print view never run R: three webRs starting at once kept the speaker view blank for seconds.
  const PREVIEW = /(^|[?&])(receiver|print-pdf)\b/;

  function startInBackground() {
    start();
    if (location.protocol !== "file:" && !PREVIEW.test(location.search) && document.querySelector(".live-r")) startR().catch(() => null);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", startInBackground);
  else startInBackground();
})();
