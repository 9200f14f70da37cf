-- Figures and tables in both engines.
--
-- Alternative text: a figure's `fig-alt` attribute (as Quarto writes it), not the caption: the
-- image is described for screen readers, the caption stays under the figure. HTML: the alt
-- attribute. Typst (both engines; Quarto runs this filter after its own): the `alt` argument of
-- image(), which tagged PDF/UA needs for every figure.
--
-- Numbers (built-in HTML only; Quarto and Typst number figures and tables themselves): captions
-- start with "Abbildung n:" / "Tabelle n:", counted in document order like the lists of figures
-- and tables in the annex (sozialbericht.report.model.figure_lists).
--
-- Phones (HTML, both engines): a chart is shown at least at its natural size, so that its text
-- stays readable, inside a box that scrolls sideways on a narrow screen and can be reached and
-- scrolled with the keyboard (WCAG 2.1.1).
local function typst_string(s)
  return '"' .. s:gsub('\\', '\\\\'):gsub('"', '\\"') .. '"'
end

local is_quarto = quarto ~= nil
local is_html = FORMAT:match("html") ~= nil
local counts = { fig = 0, tbl = 0 }

-- attributes as a list of pairs: a fixed order, so that rebuilds are byte-identical
local function scroll_box(content, label)
  return pandoc.Div(content, pandoc.Attr("", { "figure-scroll" }, { { "tabindex", "0" }, { "role", "region" }, { "aria-label", label } }))
end

local function Image(img)
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

local function number_caption(caption, word, n)
  local prefix = pandoc.Inlines({ pandoc.Str(word), pandoc.Space(), pandoc.Str(n .. ":"), pandoc.Space() })
  if caption.long and #caption.long > 0 and caption.long[1].content then
    caption.long[1].content = prefix .. caption.long[1].content
  end
  return caption
end

local function Figure(fig)
  if not is_html or is_quarto then
    return nil
  end
  counts.fig = counts.fig + 1
  fig.caption = number_caption(fig.caption, "Abbildung", counts.fig)
  fig.content = { scroll_box(fig.content, "Abbildung " .. counts.fig) }
  return fig
end

local function Table(t)
  if not is_html or is_quarto or not t.identifier:match("^tbl%-") then
    return nil
  end
  counts.tbl = counts.tbl + 1
  t.caption = number_caption(t.caption, "Tabelle", counts.tbl)
  return t
end

-- Quarto's HTML figure: a div with aria-describedby around the image
local function Div(div)
  if not (is_html and is_quarto and div.attributes["aria-describedby"]) then
    return nil
  end
  local has_image = false
  div:walk({ Image = function() has_image = true end })
  if not has_image then
    return nil
  end
  div.classes:insert("figure-scroll")
  div.attributes.tabindex = "0"
  div.attributes.role = "region"
  div.attributes["aria-label"] = "Abbildung"
  return div
end

-- one traversal in document order, so that the numbers follow the reading order
return { { traverse = "topdown", Image = Image, Figure = Figure, Table = Table, Div = Div } }
