// Line-highlight steps for the deck built without Quarto: a chunk option such as
// `code-line-numbers: "1-18|20-34"` (Quarto's documented syntax; Quarto does this with its
// own plugin) shows the listing with lines 1-18 highlighted, and each press of the
// arrow key moves to the next group: the other lines dim, and the block scrolls so that
// the highlighted lines are in view. One invisible fragment per step drives it, so the
// steps follow reveal.js's own navigation, forwards and back.
(function () {
  const SPEC = /^[\d,|-]+$/;

  function parse(spec) {
    return spec.split("|").map((step) => step.split(",").filter(Boolean).map((range) => {
      const [first, last] = range.split("-").map(Number);
      return [first, last || first];
    }));
  }

  function show(block, step) {
    const code = block.querySelector("pre code");
    const ranges = JSON.parse(block.dataset.lineSteps)[step];
    const lines = [...code.querySelectorAll(":scope > span")];
    lines.forEach((line, k) => {
      const number = k + 1;
      line.classList.toggle("highlight-line", ranges.some(([first, last]) => number >= first && number <= last));
    });
    code.classList.add("has-line-highlights");
    const marked = lines.filter((line) => line.classList.contains("highlight-line"));
    if (!marked.length) return;
    // scroll so that the highlighted lines sit at the top of the visible part (all of them when they fit)
    const scale = Reveal.getScale() || 1;
    const top = (marked[0].getBoundingClientRect().top - code.getBoundingClientRect().top) / scale + code.scrollTop;
    code.scrollTop = Math.max(0, top - parseFloat(getComputedStyle(code).paddingTop));
  }

  function current(block) {
    return block.querySelectorAll(".nncourse-line-step.visible").length;
  }

  function setup() {
    const blocks = [...document.querySelectorAll(".reveal div.sourceCode[data-code-line-numbers]")]
      .filter((block) => SPEC.test(block.dataset.codeLineNumbers));
    blocks.forEach((block) => {
      const steps = parse(block.dataset.codeLineNumbers);
      block.dataset.lineSteps = JSON.stringify(steps);
      steps.slice(1).forEach(() => {
        const marker = document.createElement("span");
        marker.className = "fragment nncourse-line-step";
        block.appendChild(marker);
      });
    });
    Reveal.sync();
    const refresh = (root) => root.querySelectorAll("div.sourceCode[data-line-steps]").forEach((block) => show(block, current(block)));
    refresh(document);
    Reveal.on("slidechanged", (event) => refresh(event.currentSlide));
    Reveal.on("fragmentshown", (event) => refresh(event.fragment.closest("section")));
    Reveal.on("fragmenthidden", (event) => refresh(event.fragment.closest("section")));
  }

  if (Reveal.isReady()) setup();
  else Reveal.on("ready", setup);
})();
