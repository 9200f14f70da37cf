-- Table headers for screen readers (WCAG 2.1, 1.3.1): every column header gets scope="col", and
-- the first cell of every row (the area, indicator or age group the row is about) becomes a row
-- header with scope="row". HTML only; both engines run this filter (Quarto after its own).
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
  return t
end
