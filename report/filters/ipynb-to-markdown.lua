-- Turn an executed report notebook into plain Pandoc Markdown content:
-- drop code (inputs are the "how", the report shows only the "what"), drop stream output
-- (log lines), and parse the text/markdown outputs the notebook emitted as Markdown.
local function parse(raw)
  return pandoc.read(raw, "markdown+fenced_divs+pipe_tables+table_captions+implicit_figures").blocks
end

local function Div(el)
  if el.classes:includes("cell") and el.classes:includes("code") then
    local out = {}
    for _, block in ipairs(el.content) do
      if block.t == "Div" and block.classes:includes("output")
          and not block.classes:includes("stream") and not block.classes:includes("error") then
        for _, inner in ipairs(block.content) do
          if inner.t == "RawBlock" and inner.format == "markdown" then
            for _, b in ipairs(parse(inner.text)) do table.insert(out, b) end
          elseif inner.t ~= "CodeBlock" then
            table.insert(out, inner)
          end
        end
      end
    end
    return out
  end
  if el.classes:includes("cell") then
    return el.content
  end
end

-- The YAML front matter cell is for Quarto; the built-in engine reads the same metadata file.
local function RawBlock(el)
  if el.format == "ipynb" and el.text:match("^%-%-%-") then
    return {}
  end
end

-- Notebook metadata (kernel, papermill timings) is not part of the report.
local function Meta(meta)
  meta.jupyter = nil
  return meta
end

-- Text stays text in the Markdown twin: Pandoc's Markdown writer does not escape every character
-- that its reader would take as markup again ("[@x]" becomes a citation, "&amp;" an entity, "~~"
-- strikeout …), and the HTML and PDF of the built-in engine are read from the twin. A text run
-- with such a character is written escaped exactly as src/sozialbericht/core/untrusted.py:md_text
-- escapes it (the one place where outside text becomes report text).
local function escaped(text)
  local s = text:gsub('([\\`*{}%[%]<>&$@#|~^"\'])', '\\%1')
  -- an underscore inside a word is literal (intraword_underscores); at a word's edge it is escaped
  -- (bytes of UTF-8 letters count as word characters, as in untrusted.md_text)
  s = s:gsub("()_()", function(i, j)
    local before, after = s:sub(i - 1, i - 1), s:sub(j, j)
    local word = function(c) return c ~= "" and (c:match("[%w]") or c:byte() >= 128) end
    if word(before) and word(after) then return "_" end
    return "\\_"
  end)
  local n
  repeat s, n = s:gsub("%-%-", "-\\-") until n == 0
  repeat s, n = s:gsub("%.%.", ".\\.") until n == 0
  return s
end

local function Str(el)
  if el.text:find('[\\`*_{}%[%]<>&$@#|~^"\']') or el.text:find("--", 1, true) or el.text:find("..", 1, true) then
    return pandoc.RawInline("markdown", escaped(el.text))
  end
end

return {
  {Div = Div, RawBlock = RawBlock, Meta = Meta},
  {Str = Str},
}
