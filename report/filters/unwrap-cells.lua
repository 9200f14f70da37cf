-- Quarto wraps every notebook cell and its output in a div (a #block in Typst). The report's
-- chapters are the output of one cell, so the wrappers are removed: headings inside a block could
-- not start a new page in Typst, and the HTML gets plain sections.
function Div(el)
  if el.classes:includes("cell") or el.classes:includes("cell-output") or el.classes:includes("cell-output-display") then
    return el.content
  end
end
