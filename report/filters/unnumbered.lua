-- Typst, Quarto only: an unnumbered heading (Vorwort, Auf einen Blick) becomes a plain
-- #heading(numbering: none) before Quarto handles headings. Quarto would wrap it in a #block, and a
-- chapter heading starts a new page, which Typst does not allow inside a block.
local function typst_string(s)
  return '"' .. s:gsub('\\', '\\\\'):gsub('"', '\\"') .. '"'
end

function Header(h)
  if not FORMAT:match("typst") or not h.classes:includes("unnumbered") then
    return nil
  end
  local label = h.identifier ~= "" and (" <" .. h.identifier .. ">") or ""
  return pandoc.RawBlock(
    "typst",
    "#heading(level: " .. h.level .. ", numbering: none, " .. typst_string(pandoc.utils.stringify(h.content)) .. ")" .. label
  )
end
