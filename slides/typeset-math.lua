-- Typesets the deck's maths at build time in Quarto's rendering, as the built-in path does
-- (nncourse.deck.mathsvg): every formula goes through MathJax 3 in Node.js and comes back as
-- finished SVG, so the rendered file alone shows the maths, with no script, font or network.
-- _quarto.yml lists it under `filters:`; it travels with the project. The typesetter is the
-- package's (pysrc/nncourse/deck/assets/typeset_math.cjs, NNCOURSE_TYPESETTER overrides), MathJax
-- the project's node_modules/mathjax (NNCOURSE_MATHJAX, the path of its es5/node-main.js,
-- overrides); `nncourse render` sets both.
local here = pandoc.path.directory(pandoc.path.join({ pandoc.system.get_working_directory(), PANDOC_SCRIPT_FILE }))
local typesetter = os.getenv("NNCOURSE_TYPESETTER") or (here .. "/../pysrc/nncourse/deck/assets/typeset_math.cjs")
local mathjax = os.getenv("NNCOURSE_MATHJAX") or (here .. "/../node_modules/mathjax/es5/node-main.js")

local formulas, nodes = {}, {}

local function collect(math)
  table.insert(formulas, { tex = math.text, display = math.mathtype == "DisplayMath" })
  table.insert(nodes, math)
end

local function typeset(doc)
  doc:walk({ Math = collect })
  if #formulas == 0 then return doc end
  local ok, out = pcall(pandoc.pipe, "node", { typesetter, mathjax }, pandoc.json.encode(formulas))
  if not ok then
    local reason = type(out) == "userdata" and out.output or tostring(out)
    local bad = reason:match('^{"error"') and pandoc.json.decode(reason)
    if bad then error("formula: MathJax cannot typeset $" .. bad.tex .. "$: " .. bad.error) end
    error("typeset_math.lua: MathJax 3 in Node.js failed (node " .. typesetter .. " " .. mathjax
      .. "; run `npm ci` in the checkout, `bash scripts/run.sh setup` does): " .. reason)
  end
  local result = pandoc.json.decode(out, false)
  local k = 0
  doc = doc:walk({
    Math = function(math)
      k = k + 1
      local kind = math.mathtype == "DisplayMath" and "display" or "inline"
      return pandoc.RawInline("html", '<span class="math ' .. kind .. '">' .. result.html[k] .. "</span>")
    end,
  })
  local includes = doc.meta["header-includes"]
  includes = pandoc.utils.type(includes) == "List" and includes or pandoc.List({ includes })
  includes:insert(pandoc.MetaBlocks({ pandoc.RawBlock("html", "<style>\n" .. result.css .. "</style>") }))
  doc.meta["header-includes"] = includes
  return doc
end

return { { Pandoc = typeset } }
