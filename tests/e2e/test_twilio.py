"""The Twilio webhook end to end, driven the way Twilio calls it: signed
form POSTs (and the JSON bodySHA256 form), unsigned and forged requests,
retries, malformed, oversized and mistyped bodies.

The daemon is told its public URL is https://helpline.example.org/twilio/sms
(what Twilio's console would hold, in front of a TLS proxy) while it
listens on 127.0.0.1:PORT; requests are signed for the public URL by an
independent signer (hmac/hashlib/base64), which first checks itself against
protocols.md's published vectors.
"""
import base64
import hashlib
import hmac
import json
import os
import sqlite3
import urllib.parse
import xml.etree.ElementTree as ET

from helplinetest import (Daemon, check, finish, load_menu, paths_to_nodes,
                          settled, text_of)

TOKEN = "tw-auth-token-5b1e9c"
PUBLIC = "https://helpline.example.org/twilio/sms"
PATH = "/twilio/sms"
TWIML_HEAD = b'<?xml version="1.0" encoding="UTF-8"?><Response>'


def sign(token, url, params=()):
    """X-Twilio-Signature as twilio-python computes it: the URL, then each
    name and value sorted by name then value (byte order), HMAC-SHA1,
    base64."""
    data = url.encode()
    for name, value in sorted((n.encode(), v.encode()) for n, v in params):
        data += name + value
    mac = hmac.new(token.encode(), data, hashlib.sha1).digest()
    return base64.b64encode(mac).decode()


# The signer checks itself against the published vectors first.
VEC_URL = "https://mycompany.com/myapp.php?foo=1&bar=2"
VEC = [("CallSid", "CA1234567890ABCDE"), ("Caller", "+14158675309"),
       ("Digits", "1234"), ("From", "+14158675309"), ("To", "+18005551212")]
check(sign("12345", VEC_URL, VEC) == "RSOYDt4T1cUTdK1PDd93/VVr8B8=",
      "signer: protocols.md vector")
check(sign("12345", "https://mycompany.com:443/myapp.php?foo=1&bar=2", VEC)
      == "kvajT1Ptam85bY51eRf/AJRuM3w=", "signer: :443 vector")
check(sign("12345", "http://mycompany.com:80/myapp.php?foo=1&bar=2", VEC)
      == "0ZXoZLH/DfblKGATFgpif+LLRf4=", "signer: :80 vector")
check(sign("12345", VEC_URL, [("Sid", "CA123"), ("SidAccount", "AC123"),
                              ("Digits", "5678"), ("Digits", "1234")])
      == "IK+Dwps556ElfBT0I3Rgjkr1wJU=", "signer: repeated names vector")
VEC_JSON = b'{"property": "value", "boolean": true}'
check(hashlib.sha256(VEC_JSON).hexdigest() == "0a1ff7634d9ab3b95db5c9a2dfe9"
      "416e41502b283a80c7cf19632632f96e6620", "signer: JSON body hash")
check(sign("12345", VEC_URL + "&bodySHA256=" +
           hashlib.sha256(VEC_JSON).hexdigest())
      == "a9nBmqA0ju/hNViExpshrM61xv4=", "signer: JSON vector")

menu = load_menu()
paths = paths_to_nodes(menu)
start = menu["start"]
d = Daemon(config="[adapter.twilio]\nenabled = yes\nauth_token = %s\n"
           "public_url = %s\n" % (TOKEN, PUBLIC))

# Everything personal or secret the test sends; none may reach the log.
secrets = {TOKEN}
sid_no = [0]


def new_sid():
    sid_no[0] += 1
    sid = "SM%032x" % (0x5eed0000 + sid_no[0])
    secrets.add(sid)
    return sid


def params_for(sender, body, sid=None):
    """The parameters Twilio posts for an inbound SMS, in its order."""
    secrets.add(sender)
    secrets.add(sender.lstrip("+"))
    secrets.add(sender[3:])
    if len(body) >= 4:
        secrets.add(body)
    sid = sid or new_sid()
    return [("ToCountry", "NL"), ("ToState", ""), ("SmsMessageSid", sid),
            ("NumMedia", "0"), ("ToCity", ""), ("FromZip", ""),
            ("SmsSid", sid), ("FromState", ""), ("SmsStatus", "received"),
            ("FromCity", ""), ("Body", body), ("FromCountry", "NL"),
            ("To", "+3197010250000"), ("ToZip", ""), ("NumSegments", "1"),
            ("MessageSid", sid),
            ("AccountSid", "AC0123456789abcdef0123456789abcdef"),
            ("From", sender), ("ApiVersion", "2010-04-01")]


def post(body, headers=None, path=PATH):
    return d.request("POST", path, body, headers or {})


def send(params, url=PUBLIC, token=TOKEN, sig=None, path=PATH,
         ctype="application/x-www-form-urlencoded"):
    """Posts a form signed for url (or with sig); returns status, headers,
    body."""
    if sig is None:
        sig = sign(token, url, params)
    secrets.add(sig)
    headers = {"Content-Type": ctype}
    if sig is not False:
        headers["X-Twilio-Signature"] = sig
    return post(urllib.parse.urlencode(params).encode(), headers, path)


def message_of(body):
    """The text of a TwiML reply, or None for <Response/>."""
    root = ET.fromstring(body)
    check(root.tag == "Response", "TwiML root is Response")
    msgs = root.findall("Message")
    check(len(root) == len(msgs) and len(msgs) <= 1,
          "TwiML holds at most one Message and nothing else")
    return msgs[0].text if msgs else None


def reply(sender, body, **kw):
    status, headers, raw = send(params_for(sender, body), **kw)
    if status != 200:
        raise AssertionError("HTTP %d: %r" % (status, raw))
    check(headers.get("Content-Type") == "text/xml; charset=utf-8",
          "TwiML is text/xml; charset=utf-8")
    check(raw.startswith(TWIML_HEAD), "TwiML starts with the XML "
          "declaration and <Response>")
    return message_of(raw)


def db_counts_now():
    db = sqlite3.connect("file:%s?mode=ro" % os.path.join(
        d.state, "helplined.db"), uri=True)
    try:
        sessions = db.execute("SELECT count(*) FROM sessions").fetchone()[0]
        counted = db.execute("SELECT coalesce(sum(n),0) FROM counters"
                             ).fetchone()[0]
        return sessions, counted
    finally:
        db.close()


def db_counts():
    return settled(db_counts_now)


# 1. Signed walks through the shipped menu to a contact screen, NL and EN.
contacts = sorted((len(paths[n]), n) for n, v in menu["nodes"].items()
                  if v.get("contact") and n in paths)
check(len(contacts) >= 1, "the menu has a reachable contact screen")
target = contacts[0][1]
for i, lang in enumerate(("nl", "en")):
    sender = "+3161234%04d" % (5670 + i)
    r = reply(sender, "hallo")
    check(r.startswith(text_of(menu, start, "nl")),
          "first message shows the start screen")
    if lang == "en":
        r = reply(sender, "EN")
        check(r.startswith(text_of(menu, start, "en")), "EN: English")
    for key in paths[target]:
        r = reply(sender, key)
    check(r.startswith(text_of(menu, target, lang)),
          "contact screen %s reached in %s by %s"
          % (target, lang, "-".join(paths[target])))
    phone = menu["nodes"][target]["contact"]["phone"]
    check(phone in r, "the contact screen shows its number (%s)" % lang)
sessions_after_walks = db_counts()[0]
check(sessions_after_walks == 2, "two sessions stored (%d)"
      % sessions_after_walks)

# 2. XML specials in a screen arrive escaped and parse back.
lt_nodes = [n for n in paths
            if "<" in text_of(menu, n, "nl") or "&" in text_of(menu, n, "nl")]
check(lt_nodes, "some screen has an XML special character")
for node in lt_nodes[:2]:
    sender = "+31612340001"
    reply(sender, "00")
    raw = None
    for key in paths[node]:
        status, _, raw = send(params_for(sender, key))
    check(b"&lt;" in raw or b"&amp;" in raw, "%s: special escaped" % node)
    check(b"<Message>" in raw and raw.count(b"<") == 5,
          "%s: no raw < in the text" % node)
    check(message_of(raw).startswith(text_of(menu, node, "nl")),
          "%s: text parses back unchanged" % node)
apos_nodes = [n for n in paths if "'" in text_of(menu, n, "nl")]
if apos_nodes:
    sender = "+31612340002"
    reply(sender, "00")
    for key in paths[apos_nodes[0]]:
        status, _, raw = send(params_for(sender, key))
    check(b"&apos;" in raw and b"'" not in raw.split(b"<Message>")[1],
          "apostrophes escaped as &apos;")

# 3. Non-ASCII and invalid UTF-8 in Body.
sender = "+31612340003"
r = reply(sender, "h\u00ebllo")
check(r.startswith(text_of(menu, start, "nl")), "Body with e-trema: start")
r = reply(sender, "\u00eb")
check(r.startswith(menu["messages"]["invalid"]["nl"]),
      "e-trema as a choice: invalid choice")
params = params_for(sender, "x")
body = urllib.parse.urlencode(params).replace("Body=x", "Body=%FF%FE")
# Twilio signs decoded bytes: sign these by hand (they are no str).
raw_params = [(n.encode(), v.encode()) for n, v in params if n != "Body"]
raw_params.append((b"Body", b"\xff\xfe"))
data = PUBLIC.encode() + b"".join(n + v for n, v in sorted(raw_params))
sig = base64.b64encode(hmac.new(TOKEN.encode(), data, hashlib.sha1)
                       .digest()).decode()
status, _, raw = post(body.encode(), {
    "Content-Type": "application/x-www-form-urlencoded",
    "X-Twilio-Signature": sig})
check(status == 200 and message_of(raw).startswith(
      menu["messages"]["invalid"]["nl"]),
      "invalid UTF-8 Body: invalid choice, not an error (%d)" % status)

# 4. Retries: same MessageSid -> identical TwiML, the session moves once.
sender = "+31612340004"
reply(sender, "hallo")
opt = menu["nodes"][start]["options"][0]
p = params_for(sender, str(opt["key"]))
s1, _, b1 = send(p)
s2, _, b2 = send(p)
s3, _, b3 = send(p, url=PUBLIC.replace(".org/", ".org:443/"))
check(s1 == 200 and message_of(b1).startswith(
      text_of(menu, opt["goto"], "nl")), "first delivery answered")
check(s2 == 200 and b2 == b1, "a retry gets byte-identical TwiML")
check(s3 == 200 and b3 == b1, "a retry signed with :443 too")
# Had the retry moved the session, "0" would land on opt's screen.
r = reply(sender, "0")
check(r.startswith(text_of(menu, start, "nl")),
      "after retries one 'back' returns to the start: moved once")

# 5. Port variants of the public URL are accepted.
r = reply("+31612340005", "hallo", url="https://helpline.example.org:443"
          "/twilio/sms")
check(r is not None and r.startswith(text_of(menu, start, "nl")),
      "signed for :443 accepted")

# 6. Refused before anything is parsed or stored: 403 and no trace.
before = db_counts()
victim = "+31698760001"
good = params_for(victim, "hallo")
forged = [
    ("unsigned", dict(sig=False)),
    ("empty signature", dict(sig="")),
    ("garbage signature", dict(sig="not-a-signature")),
    ("wrong signature", dict(sig=sign(TOKEN, PUBLIC, good)[:-2] + "A=")),
    ("other token", dict(token="tw-auth-token-5b1e9d")),
    ("other URL (our own address)",
     dict(url="http://127.0.0.1:%d%s" % (d.port, PATH))),
    ("other path", dict(url=PUBLIC + "x")),
    ("other scheme", dict(url=PUBLIC.replace("https:", "http:"))),
    ("wrong port", dict(url=PUBLIC.replace(".org/", ".org:8443/"))),
    ("http with :443", dict(url="http://helpline.example.org:443"
                                "/twilio/sms")),
]
for what, kw in forged:
    status, _, raw = send(good, **kw)
    check(status == 403, "%s -> 403 (%d)" % (what, status))
    check(b"Response" not in raw and len(raw) < 64,
          "%s: short body, no TwiML" % what)
# Tampering after signing: a changed Body, an added or dropped parameter.
sig = sign(TOKEN, PUBLIC, good)
for what, params in (
        ("changed Body", [(n, "1" if n == "Body" else v) for n, v in good]),
        ("added parameter", good + [("Extra", "1")]),
        ("dropped parameter", good[:-1]),
        ("changed From", [(n, "+31698760002" if n == "From" else v)
                          for n, v in good])):
    status, _, _ = send(params, sig=sig)
    check(status == 403, "%s -> 403 (%d)" % (what, status))
# A query string the signature does not cover.
status, _, _ = send(good, path=PATH + "?x=1")
check(status == 403, "unsigned query string -> 403 (%d)" % status)
check(db_counts() == before, "forged requests stored and counted nothing")
status, _, _ = send(good, path=PATH + "?x=1", url=PUBLIC + "?x=1")
check(status == 200, "signed query string accepted (%d)" % status)

# 7. Malformed, oversized, mistyped, wrong method.
sessions_before, counted_before = db_counts()
ok_sig = sign(TOKEN, PUBLIC, good)
form = "application/x-www-form-urlencoded"
bad = [
    ("bad % escape", "POST", b"From=%2B31698760001&Body=%G1",
     {"Content-Type": form, "X-Twilio-Signature": ok_sig}, 400),
    ("truncated % escape", "POST", b"From=%2B31698760001&Body=1%2",
     {"Content-Type": form, "X-Twilio-Signature": ok_sig}, 400),
    ("encoded NUL", "POST", b"From=%2B31698760001&Body=1%00",
     {"Content-Type": form, "X-Twilio-Signature": ok_sig}, 400),
    ("malformed, unsigned", "POST", b"Body=%G1", {"Content-Type": form},
     403),
    ("text/plain", "POST", b"From=%2B31698760001&Body=1",
     {"Content-Type": "text/plain", "X-Twilio-Signature": ok_sig}, 415),
    ("no content type", "POST", b"From=%2B31698760001&Body=1",
     {"X-Twilio-Signature": ok_sig}, 415),
    ("JSON without bodySHA256", "POST", b'{"From":"+31698760001"}',
     {"Content-Type": "application/json", "X-Twilio-Signature": ok_sig},
     415),
    ("multipart", "POST", b"--x--",
     {"Content-Type": "multipart/form-data; boundary=x"}, 415),
    ("GET", "GET", None, {}, 405),
    ("PUT", "PUT", b"x", {"Content-Type": form}, 405),
    ("HEAD", "HEAD", None, {}, 405),
    ("over [http] max_body", "POST", b"Body=" + b"x" * 20000,
     {"Content-Type": form, "X-Twilio-Signature": ok_sig}, 413),
]
for what, method, body, headers, want in bad:
    status, hdrs, raw = d.request(method, PATH, body, headers)
    check(status == want, "%s -> %d (got %d)" % (what, want, status))
    if want == 405:
        check(hdrs.get("Allow") == "POST", "%s: 405 names POST" % what)
# Missing fields and an over-long Body, validly signed.
for what, params, want in (
        ("no From", [(n, v) for n, v in good if n != "From"], 400),
        ("empty From", [(n, "" if n == "From" else v) for n, v in good],
         400),
        ("no Body", [(n, v) for n, v in good if n != "Body"], 400),
        ("Body of 1601 characters", [(n, "\u00eb" * 1601 if n == "Body"
                                      else v) for n, v in good], 413)):
    status, _, raw = send(params)
    check(status == want, "%s -> %d (got %d)" % (what, want, status))
    check(b"3169876" not in raw and b"\xc3\xab" not in raw,
          "%s: the error quotes nothing" % what)
check(db_counts() == (sessions_before, counted_before),
      "refused requests stored nothing, counted nothing")
r = reply(victim, "\u00eb" * 1600)
check(r is not None, "Body of exactly 1600 characters accepted")


# 8. The JSON form: the signature covers the URL, the URL the body's hash.
def send_json(obj_bytes, hash_of=None, sign_url=None, path=PATH):
    digest = hashlib.sha256(obj_bytes if hash_of is None else hash_of
                            ).hexdigest()
    query = "?bodySHA256=" + digest
    sig = sign(TOKEN, (sign_url or PUBLIC) + query)
    secrets.add(sig)
    return post(obj_bytes, {"Content-Type": "application/json",
                            "X-Twilio-Signature": sig}, path + query)


jsender = "+31612340008"
secrets.update({jsender, jsender[1:], jsender[3:]})
jbody = json.dumps({"From": jsender, "Body": "hallo",
                    "MessageSid": new_sid(), "NumMedia": 0}).encode()
status, hdrs, raw = send_json(jbody)
check(status == 200 and message_of(raw).startswith(
      text_of(menu, start, "nl")), "JSON with a correct bodySHA256 (%d)"
      % status)
status, _, raw = send_json(jbody, sign_url=PUBLIC.replace(".org/",
                                                          ".org:443/"))
check(status == 200, "JSON signed with :443 accepted")
tampered = jbody.replace(b"hallo", b"hallO")
status, _, _ = send_json(tampered, hash_of=jbody)
check(status == 403, "JSON whose hash does not match -> 403 (%d)" % status)
status, _, _ = post(jbody, {"Content-Type": "application/json"},
                    PATH + "?bodySHA256=" + hashlib.sha256(jbody).hexdigest())
check(status == 403, "JSON without a signature -> 403 (%d)" % status)
status, _, _ = send_json(b'{"From": "+31612340008", "Body": 1}')
check(status == 400, "JSON with a non-string Body -> 400 (%d)" % status)
status, _, _ = send_json(b'{"From": "+31612340008", "Body": "1", '
                         b'"Body": "2"}')
check(status == 400, "JSON with a duplicate key -> 400 (%d)" % status)
status, _, _ = send_json(b'["From"]')
check(status == 400, "JSON that is no object -> 400 (%d)" % status)

# 9. The log carries no number, text, MessageSid, signature or token.
log = d.log()
leaks = sorted(s for s in secrets if s and s in log)
check(not leaks, "the log quotes nothing from the requests: %r"
      % leaks[:5])
check("refused" in log, "refusals are counted in the log")
check(log.count("refused") <= 2, "refusals are not logged one by one")
check(d.stop() == 0, "SIGTERM exits 0")
check("stopped cleanly" in d.log(), "clean stop logged")

# 10. Settings: auth_token and public_url are required; validate = no warns.
for what, cfg, key in (
        ("no auth_token", "public_url = %s\n" % PUBLIC, "auth_token"),
        ("no public_url", "auth_token = x\n", "public_url"),
        ("relative public_url", "auth_token = x\npublic_url = /twilio\n",
         "public_url")):
    try:
        bad_d = Daemon(config="[adapter.twilio]\nenabled = yes\n" + cfg)
        bad_d.stop()
        check(False, "%s: refused at start" % what)
    except RuntimeError as e:
        check(key in str(e), "%s: refused at start naming %s" % (what, key))
d2 = Daemon(config="[adapter.twilio]\nenabled = yes\nvalidate = no\n"
            "path = /sms/in\n")
check("validate = no" in d2.log() and "NOT checked" in d2.log(),
      "validate = no is announced loudly")
status, _, raw = d2.request("POST", "/sms/in", urllib.parse.urlencode(
    params_for("+31612340009", "hallo")).encode(),
    {"Content-Type": "application/x-www-form-urlencoded"})
check(status == 200 and raw.startswith(TWIML_HEAD),
      "validate = no: an unsigned request is answered")
check(d2.stop() == 0, "second daemon stops cleanly")
finish()
