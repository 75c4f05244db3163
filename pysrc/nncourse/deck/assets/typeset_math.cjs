// Typesets TeX to SVG with MathJax 3 (npm `mathjax`), for the deck built without Quarto.
// Quarto's deck loads the same MathJax (tex-svg-full.js) in the browser; here the same
// engine runs at build time, so the rendered file holds finished SVG and needs no script.
//
//   node typeset_math.cjs NODE_MODULES/mathjax/es5/node-main.js < [{"tex": "...", "display": false}, ...]
//
// Prints {"css": <MathJax's SVG stylesheet>, "html": [<mjx-container>...</mjx-container>, ...]}.
// A formula MathJax cannot parse comes back as {"error": message, "tex": source}.
const [mathjaxMain] = process.argv.slice(2);
let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (part) => { input += part; });
process.stdin.on("end", () => {
  const formulas = JSON.parse(input);
  require(mathjaxMain)
    .init({ loader: { load: ["input/tex-full", "output/svg"] }, svg: { fontCache: "local" } })
    .then((MathJax) => {
      const adaptor = MathJax.startup.adaptor;
      const html = formulas.map(({ tex, display }) => {
        const markup = adaptor.outerHTML(MathJax.tex2svg(tex, { display }));
        const error = /data-mjx-error="([^"]*)"/.exec(markup);
        if (error) {
          process.stdout.write(JSON.stringify({ error: error[1], tex }));
          process.exit(2);
        }
        return markup;
      });
      process.stdout.write(JSON.stringify({ css: adaptor.textContent(MathJax.svgStylesheet()), html }));
    })
    .catch((error) => {
      process.stderr.write(String(error && error.stack ? error.stack : error));
      process.exit(1);
    });
});
