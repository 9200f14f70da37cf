-- A figure's alternative text is its `fig-alt` attribute (as Quarto writes it), not the caption:
-- the image is described for screen readers, the caption stays under the figure.
-- HTML: the alt attribute. Typst (both engines; Quarto runs this filter after its own): the
-- `alt` argument of image(), which tagged PDF/UA needs for every figure.
local function typst_string(s)
  return '"' .. s:gsub('\\', '\\\\'):gsub('"', '\\"') .. '"'
end

function Image(img)
  local alt = img.attributes["fig-alt"]
  if not alt then
    return img
  end
  img.attributes["fig-alt"] = nil
  if FORMAT:match("typst") then
    return pandoc.RawInline("typst", "#box(image(" .. typst_string(img.src) .. ", alt: " .. typst_string(alt) .. "))")
  end
  img.caption = pandoc.Inlines(pandoc.Str(alt))
  return img
end
