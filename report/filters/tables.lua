-- Tables in HTML (both engines; Quarto runs this filter after its own):
-- * headers for screen readers (WCAG 2.1, 1.3.1): every column header gets scope="col", and the
--   first cell of every row (the area, indicator or age group the row is about) becomes a row
--   header with scope="row";
-- * a wide table scrolls sideways inside its own box instead of widening the page (a phone shows
--   the page without sideways scrolling); the box can be reached and scrolled with the keyboard
--   (WCAG 2.1.1: tabindex, role and a name from the caption).
local function caption_text(t)
  local text = pandoc.utils.stringify(t.caption.long or {})
  if text == "" then
    return "Tabelle"
  end
  return "Tabelle: " .. text
end

function Table(t)
  if not FORMAT:match("html") then
    return nil
  end
  for _, row in ipairs(t.head.rows) do
    for _, cell in ipairs(row.cells) do
      cell.attributes.scope = "col"
    end
  end
  for _, body in ipairs(t.bodies) do
    body.row_head_columns = 1
    for _, row in ipairs(body.body) do
      if #row.cells > 0 then
        row.cells[1].attributes.scope = "row"
      end
    end
  end
  local box = pandoc.Attr("", { "table-scroll" }, { { "tabindex", "0" }, { "role", "region" }, { "aria-label", caption_text(t) } })
  return pandoc.Div({ t }, box)
end
