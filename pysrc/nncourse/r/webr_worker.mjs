// R 4.6 in Node.js: the webR engine's worker, started by nncourse.r.bridge.
//
//   node webr_worker.mjs NODE_MODULES/webr/dist RSRC
//
// It starts webR (npm `webr`, from its own dist/ folder, offline), sources the same
// rsrc/evaluate.R, rsrc/exchange.R and rsrc/algorithms.R as the rpy2 engine, and answers
// one request at a time: an 8-byte length then JSON in on stdin, the same out on stdout
// (nncourse.workers frames them). Values come in as R source text and go out as the JSON
// rsrc/exchange.R writes. Standard output carries answers only: console output goes to stderr.
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [dist, rsrc] = process.argv.slice(2);
const say = (...parts) => process.stderr.write(parts.join(" ") + "\n");
console.log = console.info = console.warn = console.debug = say;

// webR looks up a WebSocket class when it starts (else it requires the npm package `ws`),
// for a channel nncourse never opens; Node before 22 has none. One that refuses to be used:
if (!("WebSocket" in globalThis)) {
  globalThis.WebSocket = class {
    constructor() {
      throw new Error("nncourse's webR worker opens no WebSocket");
    }
  };
}
const { WebR } = await import(pathToFileURL(path.join(dist, "webr.mjs")).href);
let webR = null;

async function start() {
  webR = new WebR({ baseUrl: dist + "/", interactive: false });
  await webR.init();
  for (const file of ["evaluate.R", "exchange.R", "algorithms.R"]) {
    await webR.FS.writeFile("/tmp/" + file, fs.readFileSync(path.join(rsrc, file)));
  }
  await webR.evalRVoid(`
    nncourse_base <- new.env(parent = globalenv())
    sys.source("/tmp/evaluate.R", envir = nncourse_base)
    sys.source("/tmp/exchange.R", envir = nncourse_base)
    nncourse_envs <- list(new.env(parent = nncourse_base))
    sys.source("/tmp/algorithms.R", envir = nncourse_envs[[1]])
    nncourse_base$nncourse_keep_start()
  `);
}

// R code that returns one string, with JavaScript strings and numbers bound to names.
async function text(code, bindings) {
  const result = await webR.evalR(code, { env: bindings });
  const js = await result.toJs();
  return js.values[0];
}

const ENV = "nncourse_envs[[env + 1L]]";
const operations = {
  async hello() {
    const version = await text('paste(R.version$major, R.version$minor, sep = ".")', {});
    const [major, minor] = version.split(".").map(Number);
    return { version: [major, minor], full: version, webr: JSON.parse(fs.readFileSync(path.join(dist, "..", "package.json"))).version, pid: process.pid };
  },
  async new_env() {
    return Number(await text("nncourse_envs[[length(nncourse_envs) + 1L]] <<- new.env(parent = nncourse_base); as.character(length(nncourse_envs) - 1L)", {}));
  },
  async evaluate({ code, env }) {
    return await text(`nncourse_base$nncourse_json(nncourse_base$nncourse_evaluate(code, ${ENV}))`, { code, env });
  },
  async call({ function: name, args, env }) {
    const known = await text(`paste(Filter(function(n) is.function(get(n, envir = ${ENV})), ls(${ENV})), collapse = ", ")`, { env });
    if (!known.split(", ").includes(name)) {
      throw Object.assign(new Error(`function: expected a function of rsrc/algorithms.R (${known}), got '${name}'`), { kind: "ValueError" });
    }
    return await text(`nncourse_base$nncourse_json(nncourse_base$nncourse_call(get(name, envir = ${ENV}), eval(parse(text = args))))`, { name, args, env });
  },
  async assign({ name, value, env }) {
    await webR.evalRVoid(`assign(name, eval(parse(text = value)), envir = ${ENV})`, { env: { name, value, env } });
    return null;
  },
  async get({ name, env }) {
    const there = await text(`as.character(exists(name, envir = ${ENV}, inherits = FALSE))`, { name, env });
    if (there !== "TRUE") {
      throw Object.assign(new Error(`name: no R object '${name}' in this environment`), { kind: "ValueError" });
    }
    return await text(`nncourse_base$nncourse_json(get(name, envir = ${ENV}, inherits = FALSE))`, { name, env });
  },
};

function send(answer) {
  const body = Buffer.from(JSON.stringify(answer), "utf8");
  const header = Buffer.alloc(8);
  header.writeBigUInt64BE(BigInt(body.length));
  process.stdout.write(Buffer.concat([header, body]));
}

let pending = Buffer.alloc(0);
let queue = Promise.resolve();
process.stdin.on("data", (data) => {
  pending = Buffer.concat([pending, data]);
  while (pending.length >= 8) {
    const length = Number(pending.readBigUInt64BE(0));
    if (pending.length < 8 + length) break;
    const request = JSON.parse(pending.subarray(8, 8 + length).toString("utf8"));
    pending = pending.subarray(8 + length);
    queue = queue.then(() => answer(request));
  }
});
process.stdin.on("end", () => queue.then(() => process.exit(0)));

async function answer(request) {
  const { op, ...args } = request;
  try {
    if (webR === null) {
      try {
        await start();
      } catch (error) {
        throw Object.assign(new Error(`webR failed to start: ${error.message}`), { kind: "RUnavailable" });
      }
    }
    send({ ok: await operations[op](args) });
  } catch (error) {
    const message = String(error.message || error);
    const quit = /Program terminated with exit\((\d+)\)/.exec(message);
    if (quit) {
      process.exit(Number(quit[1])); // R's q(): end as the system R's worker does
    }
    if (!error.kind && (op === "evaluate" || op === "call")) {
      // R's own errors come back as values (evaluate.R); a rejection here is webR itself
      // failing (a stack overflow, say), after which it is unusable: end as a crash does.
      fs.writeSync(2, `webR failed: ${message}\n`);
      process.kill(process.pid, "SIGABRT");
    }
    send({ error: message, kind: error.kind || "RError" });
  }
}
