// Measures one slide of a reveal.js deck as it is drawn (nncourse.deck.slidecheck).
// nncourseMeasure(index, step, limits) shows slide `index` (in reading order) with its first
// `step` fragment steps shown, and returns {id, title, steps, problems}: `steps` is how many
// fragment steps the slide has, each problem one sentence a lecturer can act on.
const nextFrame = () => new Promise((done) => requestAnimationFrame(done));

window.nncourseMeasure = async function (index, step, limits) {
  const slide = Reveal.getSlides()[index];
  const where = Reveal.getIndices(slide);
  Reveal.slide(where.h, where.v, step - 1);
  const steps = new Set([...slide.querySelectorAll(".fragment")].map((f) => f.dataset.fragmentIndex)).size;
  // wait for the layout, the fragments' transitions, and any code block that scrolls to a
  // highlight (Quarto animates it) to come to rest
  await nextFrame();
  await Promise.all(slide.getAnimations({ subtree: true }).map((animation) => animation.finished.catch(() => null)));
  // (at rest: no change over 10 frames; a scroll that starts a few frames late is waited for)
  let last = "";
  for (let k = 0, still = 0; k < 180 && still < 10; k++) {
    await nextFrame();
    const now = [...slide.querySelectorAll("pre code")].map((code) => code.scrollTop).join();
    still = now === last ? still + 1 : 0;
    last = now;
  }

  const scale = Reveal.getScale();
  const frame = document.querySelector(".reveal .slides").getBoundingClientRect();
  const found = new Map(); // kind -> {count, example}
  const note = (kind, example) => {
    const seen = found.get(kind) || { count: 0, example };
    seen.count += 1;
    found.set(kind, seen);
  };
  const snippet = (text) => JSON.stringify(text.replace(/\s+/g, " ").trim().slice(0, 40));
  const visible = (element) => {
    const style = getComputedStyle(element);
    return style.visibility !== "hidden" && style.display !== "none" && Number(style.opacity) > 0.1;
  };
  const obstacles = [...document.querySelectorAll(".reveal > .controls button, .reveal > .slide-number")]
    .filter((element) => visible(element) && element.getBoundingClientRect().width > 0)
    .map((element) => element.getBoundingClientRect());
  const overlaps = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  const place = (rect, what) => {
    if (rect.width === 0 || rect.height === 0) return;
    if (rect.left < frame.left - 0.5 || rect.right > frame.right + 0.5 || rect.top < frame.top - 0.5) {
      note("out of frame", what);
    } else if (rect.bottom > frame.bottom - limits.bottom_px) {
      note(`within ${limits.bottom_px} px of the bottom edge (or below it)`, what);
    }
    if (obstacles.some((box) => overlaps(rect, box))) note("under the controls or slide number", what);
  };

  // Text: every visible text node, by its drawn lines.
  const walker = document.createTreeWalker(slide, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const element = node.parentElement;
    const text = node.textContent;
    if (!text.trim() || element.closest("aside.notes, script, style, mjx-container")) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const scroller = element.closest("pre code");
    const view = scroller && scroller.getBoundingClientRect();
    const rects = [...range.getClientRects()].filter((rect) => rect.width > 0 && rect.height > 0)
      // lines scrolled out of a code block are not drawn
      .filter((rect) => !view || (rect.bottom > view.top + 1 && rect.top < view.bottom - 1));
    if (!rects.length || !visible(element)) continue;
    const isCode = Boolean(element.closest("pre, code"));
    // text in an SVG is scaled by its viewBox too: its screen matrix holds both scalings
    const matrix = element instanceof SVGElement && element.getScreenCTM ? element.getScreenCTM() : null;
    const px = parseFloat(getComputedStyle(element).fontSize) * (matrix ? Math.hypot(matrix.a, matrix.b) : scale);
    const least = isCode ? limits.code_px : limits.text_px;
    if (px < least - 0.05) note(`${isCode ? "code" : "text"} smaller than ${least} px on screen (${px.toFixed(1)} px)`, snippet(text));
    // a line's em box: the range's box also holds the font's ascent and descent, taller than the line
    rects.forEach((rect) => {
      const middle = (rect.top + rect.bottom) / 2;
      place({ left: rect.left, right: rect.right, width: rect.width, height: px, top: middle - px / 2, bottom: middle + px / 2 }, snippet(text));
    });
    if (!isCode && !element.closest(".math") && /\\[A-Za-z]+|\\[()[\]]|\$\$|\$[^$\s][^$]*\$/.test(text)) {
      note("raw TeX visible", snippet(text));
    }
  }

  // Blocks: code, images, figures drawn by code, tables, formulas.
  for (const pre of slide.querySelectorAll("pre")) {
    if (!visible(pre)) continue;
    for (const code of [...pre.querySelectorAll("code")].filter(visible)) {
      const view = code.getBoundingClientRect();
      const highlighted = [...code.querySelectorAll(":scope > span.highlight-line")];
      if (code.scrollWidth > code.clientWidth + 1) note("code cut off at the side (it scrolls)", snippet(code.textContent));
      else if (code.scrollHeight > code.clientHeight + 1) {
        // a listing stepped through line highlights may scroll, if each step's lines are all in view
        const inView = (line) => line.getBoundingClientRect().top >= view.top - 1 && line.getBoundingClientRect().bottom <= view.bottom + 1;
        if (!highlighted.length) note("code cut off (it scrolls)", snippet(code.textContent));
        else if (!highlighted.every(inView)) note("highlighted lines cut off", snippet(highlighted[0].textContent));
      }
    }
    place(pre.getBoundingClientRect(), "a code block " + snippet(pre.textContent));
  }
  for (const img of slide.querySelectorAll("img")) {
    if (!img.complete || img.naturalWidth === 0) note("image did not load", snippet(img.alt || img.src));
    else place(img.getBoundingClientRect(), "an image " + snippet(img.alt || ""));
  }
  for (const box of slide.querySelectorAll("table, svg:not(mjx-container svg), canvas, iframe, mjx-container")) {
    if (visible(box)) place(box.getBoundingClientRect(), `a ${box.tagName.toLowerCase()}`);
  }
  for (const math of slide.querySelectorAll(".math")) {
    if (!math.querySelector("mjx-container svg")) note("maths not typeset", snippet(math.textContent));
    const error = math.querySelector("[data-mjx-error]");
    if (error) note("MathJax could not typeset a formula", snippet(error.getAttribute("data-mjx-error")));
  }

  const heading = slide.querySelector("h1, h2");
  return {
    id: slide.id,
    steps,
    title: heading ? heading.textContent.trim() : "",
    problems: [...found].map(([kind, { count, example }]) => `${kind}: ${example}${count > 1 ? ` and ${count - 1} more` : ""}`),
  };
};
