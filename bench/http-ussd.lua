-- wrk script: Africa's Talking-style USSD callbacks.  Each request comes
-- from one of 5,000 senders; each sender walks a menu path one input per
-- request, its `text` growing cumulatively ("", "4", "4*1") as the gateway
-- sends it, and dials again (a new sessionId, text "") after the walk.
local walks = {
  { "4", "1" },                  -- a contact screen (END)
  { "1", "2" },                  -- a signals leaf (END)
  { "EN", "4", "2" },            -- English, then the police (END)
  { "2", "0", "3" },             -- into a menu, back, another branch
  { "5", "1" },                  -- tips by role
  { "9" },                       -- help (END)
  { "1", "2", "0", "00", "4", "3" },
  { "3", "zomaar", "1" },        -- an unknown input on the way
}
local senders = 5000
local state = {}
math.randomseed(42)

-- Returns s with '+' and ' ' form-encoded ('*' stays as AT sends it).
local function enc(s)
  return (s:gsub("%+", "%%2B"):gsub(" ", "+"))
end

request = function()
  local id = math.random(0, senders - 1)
  local st = state[id]
  if st == nil or st.step > #walks[st.walk] then
    st = { n = (st and st.n or 0) + 1, walk = math.random(#walks), step = 0 }
    state[id] = st
  end
  local w = walks[st.walk]
  local text = table.concat(w, "*", 1, st.step)
  st.step = st.step + 1
  local body = string.format(
    "sessionId=ATUid_%d_%d&serviceCode=%s&phoneNumber=%s&networkCode=20404&text=%s",
    id, st.n, "%2A384%2A1234%23", enc(string.format("+3161%07d", id)), text)
  return wrk.format("POST", "/ussd", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["X-Helpline-Secret"] = "bench-secret-0123456789abcdef",
  }, body)
end
