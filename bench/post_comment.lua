-- wrk script: each request POSTs a new JSON comment (Markdown, a different text each time).
-- The session cookie comes from bench/run.py on wrk's command line (-H "Cookie: ..."), which
-- lands in wrk.headers; it is copied into every request.
local counter = 0
local headers = nil

request = function()
  if headers == nil then
    headers = {}
    for name, value in pairs(wrk.headers) do headers[name] = value end
    headers["Content-Type"] = "application/json"
  end
  counter = counter + 1
  local body = string.format(
    '{"comment_text": "Benchmark comment %d with **Markdown**, a list:\\n\\n- one\\n- two\\n\\nand a [link](https://example.com/%d)."}',
    counter, counter)
  return wrk.format("POST", nil, headers, body)
end
