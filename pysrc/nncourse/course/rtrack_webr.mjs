// The R track's grading engine on R 4.6: webR (npm `webr`, from its dist/ folder, offline)
// in Node.js, started by nncourse.course.rtrack.grade_boxes(engine="webr").
//
//   node rtrack_webr.mjs NODE_MODULES/webr/dist < request.json
//
// The request: {checks, boxes: [{code, call}], budget, marker}. For each box, in one R as
// the page does, it empties globalenv, sources the checks and runs the box with checks.R's
// nncourse_run_box (the page's and Rscript's own), and prints a line per box: the marker,
// PASSED or FAILED, the message;
// after the last box, the marker and DONE. A box that ends R (q(), a crash) ends this
// process without its line: the grader starts another for the boxes after it. Everything
// else goes to stderr.
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [dist] = process.argv.slice(2);
const say = (...parts) => process.stderr.write(parts.join(" ") + "\n");
console.log = console.info = console.warn = console.debug = say;
if (!("WebSocket" in globalThis)) { // webR looks one up when it starts; nncourse opens none
  globalThis.WebSocket = class { constructor() { throw new Error("no WebSocket in the grader"); } };
}
const request = JSON.parse(fs.readFileSync(0, "utf8"));
const { WebR } = await import(pathToFileURL(path.join(dist, "webr.mjs")).href);
const webR = new WebR({ baseUrl: dist + "/", interactive: false });
await webR.init();
await webR.FS.writeFile("/tmp/checks.R", new TextEncoder().encode(request.checks));
for (const box of request.boxes) {
  let done;
  try { // each box from the checks as sourced: what a box before it assigned into globalenv is gone
    const result = await webR.evalR(
      `rm(list = ls(globalenv(), all.names = TRUE), envir = globalenv()); source("/tmp/checks.R"); nncourse_budget <- budget
       invisible(capture.output(done <- nncourse_run_box(code, "check", call, limit = budget))); done`,
      { env: { code: box.code, call: box.call, budget: request.budget } });
    done = (await result.toJs()).values;
  } catch (error) { // R itself ended: q(), a crash
    say(`webR ended: ${error?.message ?? error}`);
    process.exit(0);
  }
  const [status, message] = done;
  const text = status === "error" ? `your code stopped with an error before the check: ${message}` : message;
  process.stdout.write(`\n${request.marker} ${status === "passed" ? "PASSED" : "FAILED"} ${text}\n`);
}
process.stdout.write(`\n${request.marker} DONE\n`);
webR.close();
process.exit(0);
