"""The operators' endpoint and the per-sender rate limit, end to end.

/healthz and /metrics on their own loopback port: exact request counts per
adapter and outcome after JSON, Twilio, USSD and Kannel traffic, refusals
by reason, a flood from one number answered only up to the burst (and
counted) while another number is unaffected, an SMPP link that is down
(503 naming it) and comes up once the npm SMSC listens, a flood over SMPP
acknowledged but not answered, SIGTERM (503 "shutting down", then a clean
exit), and the [admin] settings refused.  /metrics is read with
prometheus_client's own parser, so the exposition format is checked by a
third-party implementation.
"""
import base64
import hashlib
import hmac
import json
import socket
import urllib.parse

from helplinetest import Daemon, check, finish, load_menu, wait_for
from kannelchain import free_port
from smsc import Smsc, encode_sm

TOKEN = "admin-test-token"
PUBLIC = "https://helpline.example.org/twilio/sms"
USSD_SECRET = "admin-test-ussd-secret-0123456789"
BURST = 5
MENU = load_menu()
NUMBERS = []        # every number used: none may reach /metrics


def number(n):
    e164 = "+3164%07d" % (7310000 + n)
    NUMBERS.append(e164)
    return e164


def sign(url, params):
    data = url.encode()
    for name, value in sorted((n.encode(), v.encode()) for n, v in params):
        data += name + value
    return base64.b64encode(hmac.new(TOKEN.encode(), data,
                                     hashlib.sha1).digest()).decode()


_sid = [0]


def twilio(d, sender, body, forge=False):
    _sid[0] += 1
    params = [("MessageSid", "SM%032x" % _sid[0]), ("From", sender),
              ("To", "+3197010000000"), ("Body", body)]
    sig = sign(PUBLIC, params)
    if forge:
        sig = sign(PUBLIC + "x", params)
    return d.request("POST", "/twilio/sms",
                     urllib.parse.urlencode(params).encode(),
                     {"Content-Type": "application/x-www-form-urlencoded",
                      "X-Twilio-Signature": sig})


def ussd(d, sender, session, text, secret=USSD_SECRET):
    fields = {"sessionId": session, "serviceCode": "*384*1#",
              "phoneNumber": sender, "text": text}
    return d.request("POST", "/ussd", urllib.parse.urlencode(fields).encode(),
                     {"Content-Type": "application/x-www-form-urlencoded",
                      "X-Helpline-Secret": secret})


def kannel(d, sender, text):
    return d.request("POST", "/kannel", text.encode(),
                     {"Content-Type": 'text/plain; charset="UTF-8"',
                      "X-Kannel-From": sender, "X-Kannel-To": "1234"})


def series(m, name, **labels):
    return m.get((name, tuple(sorted(labels.items()))))


def requests_of(m, adapter):
    return {o: series(m, "helplined_requests_total", adapter=adapter,
                      outcome=o)
            for o in ("ok", "duplicate", "failed", "flooded", "rejected")}


def healthz(d):
    status, _, body = d.admin("GET", "/healthz")
    return status, body


# A sendsms target that takes connections and never answers: Kannel
# pushes stay in flight, which keeps the daemon in its shutdown grace.
silent = socket.socket()
silent.bind(("127.0.0.1", 0))
silent.listen(64)

d = Daemon(ratelimit=True, config="""\
[ratelimit]
burst = %d
per_minute = 6
[daemon]
shutdown_grace_ms = 5000
[adapter.twilio]
enabled = yes
auth_token = %s
public_url = %s
[adapter.ussd]
enabled = yes
secret = %s
[adapter.kannel]
enabled = yes
reply_via = sendsms
sendsms_url = http://127.0.0.1:%d/cgi-bin/sendsms
sendsms_user = hl
sendsms_password = pw
""" % (BURST, TOKEN, PUBLIC, USSD_SECRET, silent.getsockname()[1]))

# 1. Ready, on a port of its own; other paths and methods refused.
check(d.admin_port != d.port, "the admin endpoint has its own port")
status, body = healthz(d)
check(status == 200 and body == b"ready\n", "healthz: ready (%d %r)"
      % (status, body))
status, headers, body = d.admin("GET", "/metrics")
check(status == 200 and headers.get("Content-Type") ==
      "text/plain; version=0.0.4; charset=utf-8",
      "metrics: 200 in text format 0.0.4 (%r)" % headers.get("Content-Type"))
check(d.admin("GET", "/nope")[0] == 404, "admin: other paths 404")
check(d.admin("POST", "/metrics")[0] == 405, "admin: POST 405")
check(d.admin("DELETE", "/healthz")[0] == 405, "admin: DELETE 405")
check(d.admin("HEAD", "/healthz")[0] == 200, "admin: HEAD 200")
check(d.request("GET", "/metrics")[0] == 404,
      "the gateways' listener does not serve /metrics")
m = d.metrics()
for a in ("json", "twilio", "ussd", "kannel"):
    check(requests_of(m, a) == {"ok": 0, "duplicate": 0, "failed": 0,
                                "flooded": 0, "rejected": 0},
          "%s: request series exist at 0 from the start" % a)
check(series(m, "helplined_menu_info", helpline=MENU["helpline"],
             version=str(MENU["version"])) == 1,
      "menu_info names the live helpline and version")
check(series(m, "helplined_ready") == 1, "helplined_ready 1")
check(not [k for k in m if k[0] == "helplined_gateway_up"],
      "webhooks have no gateway link series")

# 2. Ordinary traffic, counted exactly.
want = {a: {"ok": 0, "duplicate": 0, "failed": 0, "flooded": 0,
            "rejected": 0} for a in ("json", "twilio", "ussd", "kannel",
                                     "http")}
want["http"]["rejected"] = 1    # GET /metrics on the gateways' listener
for i in range(3):
    n = number(i)
    d.reply(n, "hallo")
    d.reply(n, "1")
    want["json"]["ok"] += 2
n = number(3)
s1, b1 = d.message(n, "hallo", id="gw-1")
s2, b2 = d.message(n, "hallo", id="gw-1")
check(s2 == 200 and b2.get("duplicate") is True, "a retry is a duplicate")
want["json"]["ok"] += 1
want["json"]["duplicate"] += 1
tw = number(4)
for text in ("hallo", "1"):
    st, _, out = twilio(d, tw, text)
    check(st == 200 and b"<Message>" in out, "twilio answered")
    want["twilio"]["ok"] += 1
m = d.metrics()
wait_for(lambda: series(d.metrics(), "helplined_sessions_open") == 5, 10,
         "sessions_open to count the five senders")

# Refusals, by reason.
st, _, _ = twilio(d, tw, "1", forge=True)
check(st == 403, "forged signature: 403")
st, _, _ = d.request("POST", "/v1/message", b"{",
                     {"Content-Type": "application/json"})
check(st == 400, "malformed JSON: 400")
st, _, _ = d.request("POST", "/v1/message",
                     b'{"from":"+31600000001","text":"\xff"}',
                     {"Content-Type": "application/json"})
check(st == 400, "JSON that is not UTF-8: 400")
st, _, _ = d.request("GET", "/v1/message")
check(st == 405, "GET on the JSON webhook: 405")
st, _, _ = d.request("GET", "/nowhere")
check(st == 404, "unknown path: 404")
st, _, _ = ussd(d, number(5), "S-bad", "", secret="wrong")
check(st == 403, "wrong USSD secret: 403")
want["twilio"]["rejected"] += 1
want["json"]["rejected"] += 3
want["http"]["rejected"] += 1
want["ussd"]["rejected"] += 1
m = d.metrics()
for (adapter, reason), n_ in {("twilio", "bad_signature"): 1,
                              ("json", "malformed"): 1,
                              ("json", "bad_utf8"): 1,
                              ("json", "method"): 1,
                              ("http", "unknown_path"): 2,
                              ("ussd", "bad_secret"): 1}.items():
    check(series(m, "helplined_rejected_total", adapter=adapter,
                 reason=reason) == n_,
          "rejected %s/%s counted" % (adapter, reason))

# 3. Floods: only the burst is answered, the rest dropped and counted.
flooder, bystander = number(6), number(7)
got = [d.message(flooder, "hallo") for _ in range(30)]
answered = [b for s, b in got if s == 200 and b.get("reply")]
flooded = [b for s, b in got if s == 200 and b == {"reply": None,
                                                     "flooded": True}]
check(len(answered) == BURST and len(flooded) == 30 - BURST,
      "json: 30 rapid messages, %d answered, %d flooded (%d, %d)"
      % (BURST, 30 - BURST, len(answered), len(flooded)))
check(d.reply(bystander, "hallo").startswith(
    MENU["nodes"][MENU["start"]]["text"]["nl"]),
    "another number is answered meanwhile")
want["json"]["ok"] += BURST + 1
want["json"]["flooded"] += 30 - BURST

tf = number(8)
outs = [twilio(d, tf, "hallo") for _ in range(BURST + 2)]
check(all(st == 200 for st, _, _ in outs), "twilio: every flood request 200")
check([o for _, _, o in outs].count(
    b'<?xml version="1.0" encoding="UTF-8"?><Response/>') == 2 and
    sum(b"<Message>" in o for _, _, o in outs) == BURST,
    "twilio: the flood beyond the burst gets an empty <Response/>")
want["twilio"]["ok"] += BURST
want["twilio"]["flooded"] += 2

uf = number(9)
bodies = []
for i in range(BURST + 1):
    st, _, out = ussd(d, uf, "S-flood", "*".join(["x"] * i))
    bodies.append((st, out))
check(all(st == 200 and out.startswith(b"CON ") for st, out
          in bodies[:BURST]), "ussd: the burst is answered (CON)")
check(bodies[BURST] == (200, b"END "),
      "ussd: a flooded request gets an END with no text (%r)"
      % (bodies[BURST],))
want["ussd"]["ok"] += BURST
want["ussd"]["flooded"] += 1

kf = number(10)
outs = [kannel(d, kf, "hallo") for _ in range(BURST + 1)]
check(all(st == 200 and out == b"" for st, _, out in outs),
      "kannel (sendsms): every request 200 with an empty body")
want["kannel"]["ok"] += BURST
want["kannel"]["flooded"] += 1

m = d.metrics()
for adapter, outcomes in want.items():
    got_ = requests_of(m, adapter)
    if adapter == "http":
        got_ = {o: v or 0 for o, v in got_.items()}
    check(got_ == outcomes, "requests_total{adapter=%s} exact: %r, want %r"
          % (adapter, got_, outcomes))
answered_json = want["json"]["ok"] + want["json"]["duplicate"]
count = series(m, "helplined_reply_latency_seconds_count", adapter="json")
check(count == answered_json, "latency count{json} = answered messages "
      "(%r, want %d; flooded ones excluded)" % (count, answered_json))
buckets = sorted((float(dict(k[1])["le"]), v) for k, v in m.items()
                 if k[0] == "helplined_reply_latency_seconds_bucket" and
                 dict(k[1])["adapter"] == "json")
check(len(buckets) == 11 and buckets[-1] == (float("inf"), count) and
      all(a[1] <= b[1] for a, b in zip(buckets, buckets[1:])),
      "latency buckets are cumulative and end in +Inf = count")
check(series(m, "helplined_reply_latency_seconds_sum", adapter="json") > 0,
      "latency sum > 0")
check(series(m, "helplined_ratelimit_senders") >= 4,
      "the rate limit tracks the flooders")
_, _, text = d.admin("GET", "/metrics")
leaks = [n for n in NUMBERS if n[1:] in text.decode() or
         n[3:] in text.decode()]
check(not leaks, "no number in /metrics %r" % leaks)

# 4. SIGTERM: a push is in flight, so the grace lasts; healthz says why.
kannel(d, number(11), "hallo")
d.signal(15)
wait_for(lambda: healthz(d)[0] == 503, 5, "healthz to turn 503")
status, body = healthz(d)
check(body == b"degraded: shutting down\n",
      "healthz during the shutdown grace: %r" % body)
check(d.proc.wait(15) == 0, "clean exit after SIGTERM")
d.stop()
try:
    d.admin("GET", "/healthz", timeout=2)
    check(False, "the admin listener is closed after exit")
except OSError:
    check(True, "the admin listener is closed after exit")
silent.close()

# 5. SMPP: a link that is down is named; it comes up when the SMSC does.
smsc_port = free_port()
d = Daemon(ratelimit=True, config="""\
[ratelimit]
burst = %d
per_minute = 6
[adapter.json]
enabled = no
[adapter.smpp]
enabled = yes
port = %d
system_id = helplined
reconnect_min_ms = 50
reconnect_max_ms = 400
""" % (BURST, smsc_port))
status, body = healthz(d)
check(status == 503 and body == b"degraded: smpp link down\n",
      "healthz names the SMPP link that is down (%d %r)" % (status, body))
m = d.metrics()
check(series(m, "helplined_gateway_up", adapter="smpp") == 0 and
      series(m, "helplined_ready") == 0, "gateway_up{smpp} 0, ready 0")
with Smsc(port=smsc_port) as smsc:
    smsc.wait("bind")
    wait_for(lambda: healthz(d) == (200, b"ready\n"), 10, "ready once bound")
    check(series(d.metrics(), "helplined_gateway_up", adapter="smpp") == 1,
          "gateway_up{smpp} 1 once bound")
    handset = number(12)[1:]
    for i in range(BURST + 2):
        r = smsc.deliver(source_addr=handset, source_addr_ton=1,
                         destination_addr="1234", data_coding=0,
                         short_message=encode_sm("hallo", 0))
        resp = smsc.wait("deliver_sm_resp", lambda e: e["seq"] == r["seq"])
        check(resp["command_status"] == 0, "deliver_sm %d acknowledged" % i)
    wait_for(lambda: requests_of(d.metrics(), "smpp")["flooded"] == 2, 10,
             "two SMPP messages flooded")
    def submits():
        return len([e for e in list(smsc.history)
                    if e.get("event") == "submit_sm" and
                    e["destination_addr"] == handset])
    wait_for(lambda: submits() == BURST, 10, "the burst answered")
    # Replies leave in order: once a later sender's has come, a reply
    # to a flooded message would have come before it.
    other = number(14)[1:]
    smsc.deliver(source_addr=other, source_addr_ton=1,
                 destination_addr="1234", data_coding=0,
                 short_message=encode_sm("hallo", 0))
    smsc.wait("submit_sm", lambda e: e["destination_addr"] == other)
    check(submits() == BURST, "no submit_sm for a flooded message")
    check(requests_of(d.metrics(), "smpp") == {
        "ok": BURST + 1, "duplicate": 0, "failed": 0, "flooded": 2,
        "rejected": 0}, "smpp: requests counted exactly")
wait_for(lambda: healthz(d)[0] == 503, 10, "503 once the SMSC is gone")
check(healthz(d)[1] == b"degraded: smpp link down\n",
      "the SMSC gone: smpp link down again")
check(d.stop() == 0, "smpp daemon: clean stop")

# 6. [admin]: loopback only unless allowed; a disabled endpoint is absent.
for address in ("0.0.0.0", "localhost"):
    try:
        Daemon(config="[admin]\naddress = %s\n" % address)
        check(False, "[admin] address %s refused" % address)
    except RuntimeError as e:
        check("not a numeric loopback address" in str(e),
              "[admin] address %s refused with a reason" % address)
d = Daemon(admin=False, config="[admin]\nenabled = no\n")
check(d.request("POST", "/v1/message", json.dumps(
    {"from": number(13), "text": "hallo"}).encode(),
    {"Content-Type": "application/json"})[0] == 200,
    "with [admin] disabled the daemon serves")
check(d.stop() == 0, "disabled admin: clean stop")
try:
    Daemon(config="[admin]\nenabled = no\n")
    check(False, "--admin-port-file with [admin] disabled is refused")
except RuntimeError as e:
    check("[admin] is disabled" in str(e),
          "--admin-port-file with [admin] disabled is refused")
finish()
