-- Column widths of the PDF's tables from their content (Typst, both engines).
--
-- A pipe table's relative widths say nothing about what its cells need: the counselling table
-- printed field names over the case counts and the projection's wide Gemeinde table its numbers
-- over the Gemeinde names. This filter measures every cell with the advance widths of the
-- table font (DejaVu Sans at the size of typst-template.typ) and gives each column
--   * its natural width (its longest cell on one line) when all columns fit the text width,
--     stretched in proportion to the full width;
--   * else at least its longest word, the rest of the width shared in proportion to what each
--     column needs beyond its longest word;
--   * and when even the longest words do not fit, the type is a point smaller, and then the table
--     goes on a landscape page, with smaller type where that is still too narrow.
-- Words are never cut inside a cell (the template turns hyphenation off in tables). A table
-- that does not fit at the smallest size is reported on stderr; `sozialbericht seitenpruefung`
-- then names the words that print over each other.

local SIZE_PT = 8 -- `show table: set text(size: 8pt)` in partials/typst-template.typ
local INSET_PT = 4 -- `set table(inset: 4pt)`, left and right of every cell
local SAFETY = 1.02 -- rounding, fallback glyphs (the page check has the last word)
local PORTRAIT_PT = 595.28 - 2 * 62.36 -- A4, margin x 2.2cm
local LANDSCAPE_PT = 841.89 - 2 * 62.36
-- the layouts tried in this order: portrait in the table size, then a point smaller, then landscape
-- (smaller type with narrower cell insets)
local LAYOUTS = {
  { width = PORTRAIT_PT, size = SIZE_PT, inset = INSET_PT },
  { width = PORTRAIT_PT, size = 7, inset = 3 },
  { width = LANDSCAPE_PT, size = SIZE_PT, inset = INSET_PT, landscape = true },
  { width = LANDSCAPE_PT, size = 7, inset = 3, landscape = true },
  { width = LANDSCAPE_PT, size = 6, inset = 3, landscape = true },
}

-- DejaVu Sans advance widths in 1/1000 em (from the font's hmtx table)
local GLYPHS = {
  { 275, "'" }, { 278, "ijl" }, { 295, "IJ" }, { 318, " ,.‘’·" }, { 337, "/:;\\|" }, { 352, "f" },
  { 361, "-" }, { 390, "()[]" }, { 392, "t" }, { 401, "!" }, { 411, "r" }, { 460, '"' },
  { 500, "*_`–§°" }, { 518, "„“”" }, { 521, "s" }, { 525, "z" }, { 531, "?" }, { 550, "cç" },
  { 557, "L" }, { 575, "F" }, { 579, "k" }, { 592, "vxy" }, { 603, "P" }, { 611, "TY" },
  { 612, "oöóò" }, { 613, "aäáà" }, { 615, "eéè" }, { 630, "ß" }, { 632, "E" }, { 634, "hnuüúñ" },
  { 635, "Sbdgpq" }, { 636, "$0123456789{}€" }, { 656, "K" }, { 684, "AVÄ" }, { 685, "XZ" },
  { 686, "B" }, { 695, "R" }, { 698, "C" }, { 732, "UÜ" }, { 748, "N" }, { 752, "H" }, { 770, "D" },
  { 775, "G" }, { 780, "&" }, { 787, "OQÖ" }, { 818, "w" }, { 838, "#+<=>^~−×" }, { 863, "M" },
  { 950, "%" }, { 974, "m" }, { 989, "W" }, { 1000, "@—…" },
}
local WIDTH = {}
for _, g in ipairs(GLYPHS) do
  for _, code in utf8.codes(g[2]) do
    WIDTH[code] = g[1] / 1000
  end
end
local UNKNOWN = 1.0 -- wider than any listed glyph: a character not listed never overprints
local SOFT_HYPHEN = 0xAD

-- width of a text in em
local function measure(text)
  local w = 0
  for _, code in utf8.codes(text) do
    if code ~= SOFT_HYPHEN then
      w = w + (WIDTH[code] or UNKNOWN)
    end
  end
  return w
end

local function cells(tbl)
  local rows = {}
  for _, row in ipairs(tbl.head.rows) do
    rows[#rows + 1] = row
  end
  for _, body in ipairs(tbl.bodies) do
    for _, row in ipairs(body.body) do
      rows[#rows + 1] = row
    end
  end
  for _, row in ipairs(tbl.foot.rows) do
    rows[#rows + 1] = row
  end
  return rows
end

-- per column: the natural width (longest cell on one line) and the longest word, in em
local function needs(tbl)
  local n = #tbl.colspecs
  local natural, word = {}, {}
  for j = 1, n do
    natural[j], word[j] = 0, 0
  end
  for _, row in ipairs(cells(tbl)) do
    local j = 1
    for _, cell in ipairs(row.cells) do
      local span = cell.col_span or 1
      if span == 1 and j <= n then
        local text = pandoc.utils.stringify(cell.contents)
        natural[j] = math.max(natural[j], measure(text))
        for w in text:gmatch("%S+") do
          word[j] = math.max(word[j], measure(w))
        end
      end
      j = j + span
    end
  end
  return natural, word
end

local function sum(list)
  local s = 0
  for _, v in ipairs(list) do
    s = s + v
  end
  return s
end

-- the first layout in which the longest words fit, and the columns' widths as fractions of it
local function layout(tbl)
  local natural, word = needs(tbl)
  for i, l in ipairs(LAYOUTS) do
    local scale = l.size * SAFETY
    local nat, min = {}, {}
    for j = 1, #natural do
      nat[j] = natural[j] * scale + 2 * l.inset
      min[j] = word[j] * scale + 2 * l.inset
    end
    local last = i == #LAYOUTS
    if sum(min) <= l.width or last then
      local widths = {}
      if sum(nat) <= l.width then
        -- stretched to the full width: percentages that sum to less than 100 % are resolved by
        -- Typst against a narrower width when the table breaks across pages after a figure
        -- (Holzminden: 14,77 % came out as 54 pt instead of 69 pt)
        local wide = sum(nat)
        for j = 1, #nat do
          widths[j] = nat[j] * l.width / wide
        end
      else
        local spare = math.max(0, l.width - sum(min))
        local wanted = sum(nat) - sum(min)
        for j = 1, #nat do
          widths[j] = min[j] + (wanted > 0 and spare * (nat[j] - min[j]) / wanted or 0)
        end
      end
      local total = sum(widths)
      local fractions = {}
      for j = 1, #widths do
        -- a table too wide even at the smallest size is squeezed to the page (and reported)
        fractions[j] = widths[j] / math.max(l.width, total)
      end
      if sum(min) > l.width then
        io.stderr:write(
          string.format(
            "Warnung: eine Tabelle mit %d Spalten ist auch quer und in %g pt zu breit (%.0f pt nötig, %.0f pt Platz)\n",
            #nat,
            l.size,
            sum(min),
            l.width
          )
        )
      end
      return fractions, l
    end
  end
end

local function set_widths(tbl)
  local fractions, l = layout(tbl)
  for j, spec in ipairs(tbl.colspecs) do
    tbl.colspecs[j] = { spec[1], fractions[j] }
  end
  return tbl, l
end

function Pandoc(doc)
  if not FORMAT:match("typst") then
    return nil
  end
  local blocks = pandoc.List()
  for _, block in ipairs(doc.blocks) do
    -- the top-level block holds the whole figure (Quarto: a scaffold Div with the figure's raw
    -- Typst around the table; built-in engine: the table itself), so a landscape page wraps all of it
    local chosen = nil
    local function widths(tbl)
      local t, l = set_widths(tbl)
      if l.size ~= SIZE_PT or l.landscape then
        if chosen == nil or (l.landscape and not chosen.landscape) or l.size < chosen.size then
          chosen = l
        end
      end
      return t
    end
    if block.t == "Table" then -- walk() visits the children of a block, not the block itself
      block = widths(block)
    else
      block = block:walk({ Table = widths })
    end
    if chosen then
      local open = chosen.landscape and "#page(flipped: true)[\n" or "#[\n"
      if chosen.size ~= SIZE_PT then
        open = open .. string.format("#show table: set text(size: %gpt)\n#set table(inset: %gpt)\n", chosen.size, chosen.inset)
      end
      blocks:insert(pandoc.RawBlock("typst", open))
      blocks:insert(block)
      blocks:insert(pandoc.RawBlock("typst", "]\n"))
    else
      blocks:insert(block)
    end
  end
  doc.blocks = blocks
  return doc
end
