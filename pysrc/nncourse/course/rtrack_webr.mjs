// The R track's grading engine on R 4.6: webR (npm `webr`, from its dist/ folder, offline)
// in Node.js, started by nncourse.course.rtrack.grade_box(engine="webr").
//
//   node rtrack_webr.mjs NODE_MODULES/webr/dist < request.json
//
// The request: {checks, code, call, budget, marker}. It sources the checks, runs the box
// with checks.R's nncourse_run_box (the page's and Rscript's own), and prints one line:
// the marker, PASSED or FAILED, the message. Everything else goes to stderr.
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
const result = await webR.evalR(
  `source("/tmp/checks.R"); nncourse_budget <- budget
   invisible(capture.output(done <- nncourse_run_box(code, "check", call, limit = budget))); done`,
  { env: { code: request.code, call: request.call, budget: request.budget } });
const [status, message] = (await result.toJs()).values;
const text = status === "error" ? `your code stopped with an error before the check: ${message}` : message;
process.stdout.write(`\n${request.marker} ${status === "passed" ? "PASSED" : "FAILED"} ${text}\n`);
webR.close();
process.exit(0);
