// One webR (R 4.6 in the browser, from ./webr/ beside the page; nothing from the network),
// started in the background when the page opens, with the tutorial's checks sourced into it.
// A box runs in a fresh environment of its own. Stop interrupts R where the page is
// cross-origin isolated (COOP/COEP: webR's SharedArrayBuffer channel); elsewhere (the
// PostMessage channel) webR cannot be interrupted, so Stop closes it and starts a new one.
// A crash or q() ends that one run: the next run starts R again.

const RUNNER = "nncourse_run_box(nncourse_code, nncourse_mode, nncourse_call)"; // checks.R's, as in nncourse grade

export class RSession {
  constructor(checks, onState) {
    this.checks = checks;
    this.onState = onState; // (state, detail) for the page's status line
    this.webR = null;
    this.starting = null;
    this.stopRun = null;
    this.isolated = globalThis.crossOriginIsolated === true;
  }

  start() {
    if (!this.starting) {
      this.onState("starting", "");
      const began = performance.now();
      this.starting = (async () => {
        const { WebR } = await import(new URL("webr/webr.js", location.href).href); // the browser build
        const webR = new WebR({ baseUrl: new URL("webr/", location.href).href, interactive: false });
        await webR.init();
        await webR.evalRVoid(this.checks);
        await this.warm(webR);
        this.webR = webR;
        this.onState("ready", `R ${webR.versionR ?? "4.6"} started in ${((performance.now() - began) / 1000).toFixed(1)} s`);
        return webR;
      })().catch((error) => {
        this.starting = null;
        this.onState("failed", String(error?.message ?? error));
        throw error;
      });
    }
    return this.starting;
  }

  // One throwaway check through the page's own path (a Shelter, captureR, nncourse_run_box)
  // before R is said to be ready: R compiles the runner and the checks' helpers on their
  // first call, so the student's first check would otherwise wait for that.
  async warm(webR) {
    const shelter = await new webR.Shelter();
    try {
      await shelter.captureR(RUNNER, {
        env: { nncourse_code: "margin <- function(params, x) 0", nncourse_mode: "check", nncourse_call: "check_exercise_8(margin)" },
        captureStreams: true, captureConditions: false, withAutoprint: false,
      });
    } finally {
      shelter.purge();
    }
  }

  restart(why) {
    const old = this.webR;
    this.webR = null;
    this.starting = null;
    try { old?.close(); } catch (_) { /* already gone */ }
    this.onState("restarting", why);
    return this.start();
  }

  // Run a box's code ("run") or run it and check it ("check"): {status, message, output}.
  async run(code, mode, call) {
    await this.probe;
    const webR = await this.start();
    const stopped = new Promise((resolve) => { this.stopRun = resolve; });
    const work = (async () => {
      const shelter = await new webR.Shelter();
      try {
        const captured = await shelter.captureR(RUNNER, {
          env: { nncourse_code: code, nncourse_mode: mode, nncourse_call: call ?? "" },
          captureStreams: true, captureConditions: false, withAutoprint: false,
        });
        const [status, message] = (await captured.result.toJs()).values;
        const output = captured.output.map((o) => o.data).join("\n");
        return { status, message, output };
      } finally {
        shelter.purge();
      }
    })();
    stopped.then(() => work.catch(() => {})); // a stopped run's own ending is not news
    try {
      return await Promise.race([work, stopped]);
    } catch (error) { // webR itself failed (q(), a crash): this run ends, R starts again
      this.restart("R stopped during the run; starting it again");
      return { status: "crashed", message: `R stopped during the run (${error?.message ?? error}); it is starting again, press Run once it is ready.`, output: "" };
    } finally {
      this.stopRun = null;
    }
  }

  // Stop the running box: interrupt R, or (no isolation) close webR and start another.
  stop() {
    if (!this.stopRun) return;
    if (this.isolated && this.webR) {
      const webR = this.webR;
      webR.interrupt();
      this.stopRun({ status: "stopped", message: "stopped: R was interrupted.", output: "" });
      // R must answer again after the interrupt; if it does not within 1.5 s, start another
      this.probe = Promise.race([webR.evalRNumber("1").then(() => true, () => false), new Promise((ok) => setTimeout(() => ok(false), 1500))])
        .then((answered) => { if (!answered && this.webR === webR) return this.restart("R did not answer after Stop; starting it again"); });
    } else {
      this.restart("Stop: R restarts (this host sends no cross-origin isolation headers, so R cannot be interrupted)");
      this.stopRun({ status: "stopped", message: "stopped: R was restarted (this page cannot interrupt R without cross-origin isolation); it is ready again in a few seconds.", output: "" });
    }
  }
}
