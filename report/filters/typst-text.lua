-- Text stays text in Typst: Pandoc's Typst writer escapes Typst's markup characters in text, but
-- not the shorthands "..." (an ellipsis), "-?" (a soft hyphen) and "-" before a digit (a minus
-- sign), nor the apostrophe (a typographic quote), so "..." in a provider's name would print as
-- "…". Such text is written with every punctuation character escaped.
-- (The one place where outside text becomes report text is src/sozialbericht/core/untrusted.py; this
-- filter completes it for the Typst output of both engines and of the receipts.)
local function escaped(text)
  return (text:gsub("([%p])", "\\%1"))
end

function Str(el)
  local t = el.text
  if FORMAT:match("typst") and (t:find("...", 1, true) or t:find("-?", 1, true) or t:find("-%d") or t:find("'", 1, true)) then
    return pandoc.RawInline("typst", escaped(el.text))
  end
end
