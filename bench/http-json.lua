-- wrk script: a realistic mix for the JSON webhook.  Each request comes
-- from one of 5,000 senders and types what people type: menu digits,
-- back/home, a keyword, now and then free text.
local inputs = { "1", "2", "3", "4", "5", "0", "00", "9", "1", "2",
                 "huisarts", "EN", "NL", "zomaar iets", "99" }
local n = 0
math.randomseed(42)

request = function()
  n = n + 1
  local sender = string.format("+3161%07d", math.random(0, 4999))
  local text = inputs[math.random(#inputs)]
  local body = string.format('{"from":"%s","text":"%s","channel":"sms"}',
                             sender, text)
  return wrk.format("POST", "/v1/message",
                    { ["Content-Type"] = "application/json" }, body)
end
