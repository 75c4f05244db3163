// The R tutorial page: an editor per box (CodeMirror 6, R highlighting), Run, Check, Stop,
// hints one at a time, Start over, work kept in localStorage as the student types, and
// "Download my work" (the file `nncourse grade` takes). The page holds the public checks
// only: no solution, no grading key.
import { EditorView, basicSetup } from "codemirror";
import { StreamLanguage } from "@codemirror/language";
import { r } from "@codemirror/legacy-modes/mode/r";
import { RSession } from "./rsession.js";

const track = JSON.parse(document.getElementById("nncourse-track").textContent);
const checks = track.checks;
const STORE = "nncourse-r-tutorial";
const saved = (() => { try { return JSON.parse(localStorage.getItem(STORE)) ?? {}; } catch (_) { return {}; } })();
const work = { version: track.version, boxes: saved.boxes ?? {} };
const save = () => localStorage.setItem(STORE, JSON.stringify(work));
const el = (tag, attrs = {}, ...children) => {
  const node = Object.assign(document.createElement(tag), attrs);
  node.append(...children);
  return node;
};

const status = document.getElementById("r-status");
const session = new RSession(checks, (state, detail) => {
  status.dataset.state = state;
  status.textContent = {
    starting: "R is starting in your browser (webR, about 10 s the first time) ...",
    ready: `R is ready: ${detail}. ${session.isolated ? "Stop interrupts a long run." : "This host sends no cross-origin isolation headers: Stop restarts R (a few seconds) instead of interrupting it."}`,
    restarting: `${detail} ...`,
    failed: `R could not start: ${detail}. Reload the page to try again.`,
  }[state];
});

function boxState(id) {
  return (work.boxes[id] ??= {});
}

function exerciseBox(box, root) {
  const state = boxState(box.id);
  const output = el("pre", { className: "output", hidden: true });
  const verdict = el("div", { className: "verdict", hidden: true });
  const show = (v) => {
    verdict.hidden = !v;
    if (!v) return;
    verdict.className = "verdict " + (v.passed ? "passed" : "not-yet");
    verdict.replaceChildren(el("span", { className: "mark" }, `Exercise ${box.id}: ${v.passed ? "PASSED" : "NOT YET"}`), " " + v.message);
  };
  const editor = new EditorView({
    doc: state.code ?? box.starter,
    extensions: [basicSetup, StreamLanguage.define(r), EditorView.updateListener.of((u) => {
      if (u.docChanged) { state.code = u.state.doc.toString(); save(); }
    })],
  });
  const buttons = {
    run: el("button", { className: "run", textContent: "Run" }),
    check: el("button", { className: "check", textContent: "Check" }),
    stop: el("button", { className: "stop", textContent: "Stop", disabled: true }),
    hint: el("button", { className: "hint", textContent: "Hint" }),
    reset: el("button", { className: "reset", textContent: "Start over" }),
  };
  const hints = el("ol", { className: "hints" });
  const revealHints = (n) => {
    hints.replaceChildren(...box.hints.slice(0, n).map((h) => el("li", { innerHTML: h })));
    buttons.hint.textContent = n < box.hints.length ? `Hint (${n + 1} of ${box.hints.length})` : "No more hints";
    buttons.hint.disabled = n >= box.hints.length;
  };
  revealHints(state.hints ?? 0);
  buttons.hint.onclick = () => { state.hints = (state.hints ?? 0) + 1; save(); revealHints(state.hints); };
  buttons.reset.onclick = () => { // undoable (Ctrl-Z): a change, not a new editor
    editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: box.starter } });
    delete state.verdict; save(); show(null); output.hidden = true;
  };
  const go = async (mode) => {
    buttons.run.disabled = buttons.check.disabled = true;
    buttons.stop.disabled = false;
    output.hidden = false;
    output.textContent = mode === "check" ? "Checking ..." : "Running ...";
    const done = await session.run(editor.state.doc.toString(), mode, box.check);
    output.textContent = [done.output, done.status === "error" ? `Error: ${done.message}` : "", ["stopped", "crashed"].includes(done.status) ? done.message : ""].filter(Boolean).join("\n") || "(R printed nothing)";
    if (mode === "check" && ["passed", "failed", "error"].includes(done.status)) {
      state.verdict = { passed: done.status === "passed", message: done.status === "error" ? `your code stopped with an error before the check: ${done.message}` : done.message };
      save();
      show(state.verdict);
    }
    buttons.run.disabled = buttons.check.disabled = false;
    buttons.stop.disabled = true;
  };
  buttons.run.onclick = () => go("run");
  buttons.check.onclick = () => go("check");
  buttons.stop.onclick = () => session.stop();
  show(state.verdict);
  root.append(el("div", { className: "editor" }, editor.dom), el("div", { className: "buttons" }, ...Object.values(buttons)), verdict, output, hints);
}

function quizBox(box, root) {
  const state = boxState(box.id);
  const form = el("form", { className: "quiz" });
  for (const [key, text] of Object.entries(box.choices)) {
    const input = el("input", { type: "radio", name: `q${box.question}`, value: key, checked: state.answer === key });
    input.onchange = () => { state.answer = key; save(); note.textContent = `Your answer (${key}) is kept; it is marked when you hand in your work.`; };
    form.append(el("label", {}, input, ` (${key}) ${text}`));
  }
  const note = el("p", { className: "note", textContent: state.answer ? `Your answer (${state.answer}) is kept; it is marked when you hand in your work.` : "" });
  root.append(form, note);
}

function download() {
  const file = {
    format: track.format, version: track.version, title: track.title, saved: new Date().toISOString(),
    boxes: Object.fromEntries(track.boxes.map((b) => {
      const s = work.boxes[b.id] ?? {};
      return [b.id, b.kind === "quiz" ? { column: b.column, answer: s.answer ?? null } : { column: b.column, code: s.code ?? b.starter, verdict: s.verdict ?? null }];
    })),
  };
  const url = URL.createObjectURL(new Blob([JSON.stringify(file, null, 1)], { type: "application/json" }));
  el("a", { href: url, download: "nncourse-r-work.json" }).click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

for (const box of track.boxes) {
  const root = document.getElementById(`box-${box.slug}`);
  (box.kind === "quiz" ? quizBox : exerciseBox)(box, root);
}
document.getElementById("download").onclick = download;
session.start().catch(() => {});
