// The handout's last step, after reveal.js's print view has laid out one page per slide:
// a slide whose content reaches below its page (a long listing shown whole, two stacked
// states, or the slide above its speaker notes) is scaled down until it fits, so that
// nothing is cut off. Returns, per page, the slide's title and the scale it was given.
function nncourseHandoutFit() {
  // how far below the slide's top its content reaches (its own box may be the page's height)
  const extent = (slide) => {
    const top = slide.getBoundingClientRect().top;
    const bottoms = [...slide.children]
      .filter((child) => !child.matches("aside.notes") && getComputedStyle(child).display !== "none")
      .map((child) => child.getBoundingClientRect().bottom - top);
    return Math.max(0, ...bottoms);
  };
  const pages = [...document.querySelectorAll(".reveal .slides .pdf-page")];
  return pages.map((page) => {
    const slide = page.querySelector(":scope > section");
    const notes = page.querySelector(":scope > .speaker-notes-pdf");
    const margin = slide.offsetTop;
    const room = page.clientHeight - 2 * margin - (notes ? notes.offsetHeight + 8 : 0);
    let scale = 1;
    for (let k = 0; k < 4 && extent(slide) > room + 1; k += 1) {  // bounding boxes are measured zoomed
      scale *= (room / extent(slide)) * 0.995;
      slide.style.zoom = scale;
    }
    const title = slide.querySelector("h1, h2");
    return { title: title ? title.textContent.trim() : "", scale };
  });
}
