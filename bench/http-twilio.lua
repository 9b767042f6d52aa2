-- wrk script: signed Twilio webhook requests, precomputed by
-- bench/http-twilio-gen.py (wrk -s http-twilio.lua URL -- FILE).  Every
-- request is formatted once at start, so the client spends its time on
-- the network, not on signing.
local reqs = {}
local i = 0

init = function(args)
  for line in io.lines(args[1]) do
    local sig, body = line:match("^([^\t]+)\t(.*)$")
    reqs[#reqs + 1] = wrk.format("POST", "/twilio/sms", {
      ["Content-Type"] = "application/x-www-form-urlencoded",
      ["X-Twilio-Signature"] = sig,
    }, body)
  end
end

request = function()
  i = i % #reqs + 1
  return reqs[i]
end
