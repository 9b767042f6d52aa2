"""Kannel end to end: fakesmsc -> bearerbox -> smsbox -> helplined -> back.

The Kannel config is generated from the shipped contrib/kannel/helplined.conf
(kannelchain.py).  Each reply the handset gets is compared with what
helplined's JSON webhook answers a shadow sender making the same moves, so
"what the handset sees" is checked character for character.  Skips (exit
77) only when /usr/sbin/bearerbox is absent (CI installs kannel and
kannel-extras through contrib/deps.sh).
"""
import http.server
import os
import signal
import sys
import tempfile
import threading

from kannelchain import BEARERBOX, KannelChain, available, free_port

if not os.access(BEARERBOX, os.X_OK):
    print("SKIP: Kannel is not installed (Debian: kannel kannel-extras)")
    sys.exit(77)
if not available():
    print("FAIL: Kannel is there but not fakesmsc: install kannel-extras")
    sys.exit(1)

from helplinetest import (Daemon, check, finish, load_menu,  # noqa: E402
                          paths_to_nodes, text_of, wait_for)

menu = load_menu()
paths = paths_to_nodes(menu)
work = tempfile.mkdtemp(prefix="hl-kannel-e2e-")
PORT = free_port()              # fixed: Kannel's config names it
SENDSMS = ("helplined", "s3ndsms-pw")
MARKER = "CANARYK7Q"

TEST_MENU = os.path.join(work, "menu.yaml")
with open(TEST_MENU, "w", encoding="utf-8") as f:
    f.write("""\
helpline: kannel-test
version: "2026-11-23.1"
languages: [nl, en]
start: home
messages:
  invalid: {nl: "Ongeldige keuze. Kies een nummer.", en: "Invalid choice. Pick a number."}
  forgotten: {nl: "Je gegevens zijn gewist.", en: "Your data has been deleted."}
globals:
  back: {keys: ["0"], words: {nl: [TERUG], en: [BACK]}, label: {nl: Terug, en: Back}, show: inner}
  home: {keys: ["00"], words: {nl: [MENU], en: [MENU]}, label: {nl: Menu, en: Menu}, show: inner}
  help: {keys: ["9"], words: {nl: [HELP], en: [HELP]}, label: {nl: Help, en: Help}, show: start, goto: help}
  more: {keys: ["99"], words: {nl: [MEER], en: [MORE]}, label: {nl: Meer, en: More}}
  forget: {words: {nl: [STOP, WIS], en: [STOP, DELETE]}}
  language: {words: {nl: [NL], en: [EN]}}
nodes:
  home:
    text: {nl: "Testlijn.", en: "Test line."}
    options:
      - {key: "1", label: {nl: Namen, en: Names}, goto: names}
      - {key: "2", label: {nl: Lang, en: Long}, goto: long}
  names:
    text: {nl: "Zo\u00eb en Chlo\u00eb helpen je.", en: "Zo\u00eb and Chlo\u00eb help you."}
  long:
    text:
      nl: "Dit scherm is bewust lang: het past niet in een enkele SMS van 160 tekens en gaat daarom als twee delen over de lijn, die de telefoon weer aan elkaar plakt. Zo zien we dat Kannel de delen goed nummert en dat niets wegvalt onderweg naar de telefoon."
      en: "This screen is long on purpose: it does not fit a single SMS of 160 characters, so it travels as two parts that the phone joins again. This shows that Kannel numbers the parts well and that nothing is lost on the way to the phone at all."
  help:
    text: {nl: "Stuur een nummer.", en: "Send a number."}
keywords:
  nl: {"zo\u00eb": names}
  en: {"zo\u00eb": names}
""")

handsets = []       # every number the test used, for the privacy check
_next = [0]


def handset():
    _next[0] += 1
    n = "+316%08d" % (41000000 + _next[0])
    handsets.append(n)
    return n


def helplined(menu=None, conf=""):
    d = Daemon(config="[adapter.kannel]\nenabled = yes\n" + conf, menu=menu,
               extra=["--port", str(PORT)],
               workdir=tempfile.mkdtemp(prefix="hl-", dir=work))
    check(d.port == PORT, "helplined listens on the fixed port")
    daemons.append(d)
    return d


def lines(text):
    return text.count("\n") + 1


class Walker:
    """A handset and a JSON shadow sender making the same moves."""

    def __init__(self, d, chain):
        self.d, self.chain = d, chain
        self.phone = handset()
        self.shadow = handset()

    def step(self, text, kind="text", what=None, **kw):
        """Sends one MO; checks the handset got exactly helplined's answer
        and returns the Reply."""
        expected = self.d.reply(self.shadow, text if text is not None
                                else kw["data"].decode("latin-1"))
        self.chain.send(self.phone, text, kind=kind, **kw)
        got = self.chain.wait_reply(self.phone, lines(expected))
        check(got.text == expected, "%s: handset got %r, helplined said %r"
              % (what or text, got.text, expected))
        return got


class FakeSendsms:
    """A stand-in for Kannel's sendsms that records each request and holds
    its answer until released, to see SIGTERM wait for it."""

    def __init__(self):
        self.got = []
        self.hold = False       # hold answers from now on, until release
        self.release = threading.Event()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                n = int(self.headers.get("Content-Length", 0))
                hold = outer.hold
                outer.got.append((self.path, dict(self.headers),
                                  self.rfile.read(n)))
                if hold:
                    outer.release.wait(20)
                body = b"0: Accepted for delivery"
                self.send_response(202)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                                      Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever,
                         daemon=True).start()

    def close(self):
        self.release.set()
        self.server.shutdown()


def mo(d, sender, body, query="", headers=None, method="POST"):
    """Posts one MO as Kannel's post-url does; returns (status, headers,
    body text)."""
    h = {"X-Kannel-From": sender, "X-Kannel-To": "1234",
         "X-Kannel-Coding": "0",
         "Content-Type": 'text/plain; charset="UTF-8"'}
    h.update(headers or {})
    h = {k: v for k, v in h.items() if v is not None}
    status, rh, rb = d.request(method, "/kannel" + query, body, h)
    return status, rh, rb.decode("utf-8", "replace")


def refused_start(conf, *words):
    """Checks helplined refuses a config, naming what is wrong."""
    try:
        x = Daemon(config=conf, workdir=tempfile.mkdtemp(dir=work))
    except RuntimeError as e:
        msg = str(e)
        check(all(w in msg for w in words), "refused naming %s: %s"
              % (words, msg.strip().splitlines()[-1]))
        return
    x.stop()
    check(False, "helplined started with %r" % conf)


daemons = []

# 0. Without Kannel: start-up checks, the HTTP contract, sendsms details.
refused_start("[adapter.kannel]\nenabled = yes\nmax_messages = 1\n"
              "[screens]\nsms_segments = 3\n", "max_messages = 1",
              "sms_segments = 3", "silently")
refused_start("[adapter.kannel]\nenabled = yes\nreply_via = later\n",
              "reply_via")
refused_start("[adapter.kannel]\nenabled = yes\nreply_via = sendsms\n",
              "sendsms_user")
refused_start("[adapter.kannel]\nenabled = yes\nreply_via = sendsms\n"
              "sendsms_user = u\nsendsms_password = p\n"
              "sendsms_url = https://127.0.0.1/x\n", "sendsms_url")

SECRET = "s3cr3t-%d" % os.getpid()
K = "?key=" + SECRET
d = Daemon(config="[adapter.kannel]\nenabled = yes\nsecret = %s\n" % SECRET,
           menu=TEST_MENU, workdir=tempfile.mkdtemp(dir=work))
daemons.append(d)
phone = handset()
status, h, body = mo(d, phone, b"hallo", K + "&id=m1")
check(status == 200 and body.startswith("Testlijn.") and
      h.get("Content-Type") == "text/plain; charset=utf-8",
      "post-url: 200 text/plain with the screen (%d)" % status)
check("X-Kannel-Coding" not in h, "a GSM-7 reply carries no coding header")
status, h, body = mo(d, phone, b"hallo", K + "&id=m1")
check(status == 200 and body.startswith("Testlijn."),
      "a retry of id m1 gets the first reply again")
status, h, body = mo(d, phone, b"1", K + "&id=m2")
check(status == 200 and h.get("X-Kannel-Coding") == "2" and
      body.startswith("Zo\u00eb"), "a reply with \u00eb: X-Kannel-Coding 2")
status, h, body = mo(d, phone, b"1", K + "&id=m2")
check(h.get("X-Kannel-Coding") == "2", "a repeated UCS-2 reply keeps it")
status, _, body = mo(d, phone, b"1", K + "x")
check(status == 403, "wrong key: 403 (%d)" % status)
status, _, body = mo(d, phone, b"1", "")
check(status == 403, "no key: 403 (%d)" % status)
status, _, body = mo(d, None, b"1", K)
check(status == 400 and "send-sender" in body,
      "no X-Kannel-From: 400 naming send-sender (%d %r)" % (status, body))
status, _, body = mo(d, phone, b"1", K + "&id=%zz")
check(status == 400, "a malformed query: 400 (%d)" % status)
status, h, body = mo(d, phone, None, K, method="PUT")
check(status == 405 and h.get("Allow") == "GET, POST", "PUT: 405")
status, _, body = d.request("GET", "/kannel" + K + "&from=%2B31600000001"
                            "&text=%001&coding=2&charset=UTF-16BE")
check(status == 400 and b"mo-recode" in body,
      "get-url with NUL bytes: 400 naming mo-recode (%d)" % status)
status, _, body = mo(d, phone, b"\x00", K,
                     {"Content-Type": "text/plain; charset=X-KLINGON"})
check(status == 200 and body.startswith("Ongeldige"),
      "an unknown charset is an unknown choice, still answered (%r)"
      % body[:20])
status, _, body = mo(d, phone, b"\x00\x31\x00", K,
                     {"Content-Type": "text/plain; charset=UTF-16BE",
                      "X-Kannel-Coding": "2"})
check(status == 200 and body.startswith("Ongeldige"),
      "odd-length UTF-16 is an unknown choice, still answered")
status, _, body = mo(d, phone, "00".encode("utf-16-be"), K,
                     {"Content-Type": "text/plain; charset=UTF-16BE",
                      "X-Kannel-Coding": "2"})
check(body.startswith("Testlijn."), "UTF-16BE '00' goes home")
status, _, body = mo(d, phone, "zo\u00eb".encode("utf-16-be"), K,
                     {"Content-Type": "text/plain; charset=UTF-16BE",
                      "X-Kannel-Coding": "2"})
check(status == 200 and body.startswith("Zo\u00eb"),
      "UTF-16BE 'zo\u00eb' reaches its keyword")
check(SECRET not in d.log(), "the key is not logged")
check(d.stop() == 0, "clean stop")

# sendsms: the request Kannel gets, and SIGTERM waiting for it.
fake = FakeSendsms()
d = Daemon(config="[adapter.kannel]\nenabled = yes\nreply_via = sendsms\n"
           "sendsms_url = http://127.0.0.1:%d/cgi-bin/sendsms?smsc=X\n"
           "sendsms_user = hl\nsendsms_password = pw-%d\n"
           "[daemon]\nshutdown_grace_ms = 10000\n" % (fake.port, os.getpid()),
           menu=TEST_MENU, workdir=tempfile.mkdtemp(dir=work))
daemons.append(d)
phone = handset()
status, _, body = mo(d, phone, b"hallo")
check(status == 200 and body == "", "sendsms mode: an empty 200 at once")
wait_for(lambda: len(fake.got) == 1, 10, "the first sendsms request")
path, h, text = fake.got[0]
check(path == "/cgi-bin/sendsms?smsc=X", "sendsms path and query (%s)"
      % path)
check(h.get("X-Kannel-To") == phone and h.get("X-Kannel-From") == "1234" and
      h.get("X-Kannel-Username") == "hl" and
      h.get("X-Kannel-Password") == "pw-%d" % os.getpid() and
      "X-Kannel-Coding" not in h, "sendsms headers: to, from, credentials")
check(text.decode().startswith("Testlijn."), "sendsms body: the reply")
fake.hold = True
status, _, body = mo(d, phone, b"1")
wait_for(lambda: len(fake.got) == 2, 10, "the second sendsms request")
check(fake.got[1][1].get("X-Kannel-Coding") == "2" and
      fake.got[1][2].decode().startswith("Zo\u00eb"),
      "a UCS-2 reply pushed with X-Kannel-Coding: 2")
d.signal(signal.SIGTERM)
wait_for(lambda: "stopping" in d.log(), 10, "helplined to begin stopping")
try:
    wait_for(lambda: d.proc.poll() is not None, 1.0, "an early exit")
    check(False, "SIGTERM did not wait for the sendsms request in flight")
except TimeoutError:
    check(True, "SIGTERM waits for the sendsms request in flight")
fake.release.set()
check(d.stop() == 0, "then it exits cleanly")
check("2 sent, 0 failed, 0 dropped" in d.log(),
      "sendsms counted: %s" % [ln for ln in d.log().splitlines()
                               if "sendsms:" in ln])
check("pw-%d" % os.getpid() not in d.log(), "the password is not logged")
fake.close()

d = Daemon(config="[adapter.kannel]\nenabled = yes\nreply_via = sendsms\n"
           "sendsms_url = http://127.0.0.1:%d/\n"
           "sendsms_user = hl\nsendsms_password = pw\n" % free_port(),
           menu=TEST_MENU, workdir=tempfile.mkdtemp(dir=work))
daemons.append(d)
status, _, body = mo(d, phone, b"hallo")
wait_for(lambda: "sendsms unreachable" in d.log(), 15,
         "a failed sendsms logged")
check(d.stop() == 0 and "0 sent, 1 failed" in d.log(),
      "an unreachable sendsms is counted as failed")

# A sendsms host that cannot be resolved fails inside the request call
# itself (libevent answers before evhttp_make_request returns): several of
# them, then a clean stop (this crashed once in kannel_free).
d = Daemon(config="[adapter.kannel]\nenabled = yes\nreply_via = sendsms\n"
           "sendsms_url = http://no-such-host.invalid:13013/\n"
           "sendsms_user = hl\nsendsms_password = pw\n",
           menu=TEST_MENU, workdir=tempfile.mkdtemp(dir=work))
daemons.append(d)
for body in (b"hallo", b"1", b"0"):
    status, _, _ = mo(d, phone, body)
    check(status == 200, "MO taken with an unresolvable sendsms host")
wait_for(lambda: "reply lost" in d.log(), 15, "the lost reply logged")
check(d.stop() == 0, "an unresolvable sendsms host: clean stop, exit 0")

chain = KannelChain("http://127.0.0.1:%d" % PORT,
                    workdir=os.path.join(work, "kannel"),
                    sendsms_user=SENDSMS)
couldnotfetch = chain.conf.get("smsbox", "reply-couldnotfetch")
try:
    d = helplined()
    chain.start()
    access = chain.conf.get("core", "access-log")

    # 1. The shipped menu, walked to a contact screen in NL and in EN.
    walked = []
    contact = sorted(n for n, v in menu["nodes"].items()
                     if v.get("contact") and n in paths)[0]
    for lang in ("nl", "en"):
        w = Walker(d, chain)
        walked.append(w.phone)
        r = w.step("hallo", what="first message (%s)" % lang)
        check(r.text.startswith(text_of(menu, menu["start"], "nl")),
              "a new conversation starts at the start screen")
        if lang == "en":
            r = w.step("EN")
        for key in paths[contact]:
            r = w.step(key, what="key %s towards %s (%s)" % (key, contact,
                                                            lang))
        check(r.text.startswith(text_of(menu, contact, lang)),
              "contact screen %s reached in %s" % (contact, lang))
        check(r.kind == "text", "a GSM-7 screen goes out as 7-bit text")

    # 2. helplined restarted: meanwhile the user gets Kannel's text, not
    # silence; afterwards the conversation goes on.
    w = Walker(d, chain)
    w.step("hallo")
    check(d.stop() == 0, "helplined stops cleanly")
    phone = w.phone
    chain.send(phone, "1")
    r = chain.wait_reply(phone)
    check(r.text == couldnotfetch,
          "helplined down: the user gets reply-couldnotfetch (%r)" % r.text)
    d = helplined()
    w.d = d
    r = w.step("hallo", what="first message after helplined came back")
    check(r.text.startswith(text_of(menu, menu["start"], "nl")),
          "helplined back: answered again")
    d.stop()

    # 3. UCS-2 in and out, long screens as parts (a test menu, 2 parts).
    d = helplined(menu=TEST_MENU, conf="[screens]\nsms_segments = 2\n")
    names_nl = "Zo\u00eb en Chlo\u00eb helpen je."
    w = Walker(d, chain)
    w.step("hallo")
    r = w.step("zo\u00eb", kind="ucs2", what="UCS-2 MO 'zoë' (mo-recode)")
    check(r.text.startswith(names_nl),
          "the UCS-2 MO reached its keyword and the UCS-2 reply kept ë")
    check(r.kind == "ucs-2" and "?" not in r.text,
          "a reply with ë goes out as UCS-2, no '?' (%s)" % r.kind)
    r = w.step("00")
    r = w.step("2", what="a screen of two parts")
    check(r.parts == 2, "a 2-part screen arrives as 2 SMS (%d)" % r.parts)
    refs = {u[3] for u in r.udh}
    check(len(refs) == 1 and [u[4] for u in r.udh] == [2, 2] and
          sorted(u[5] for u in r.udh) == [1, 2] and
          all(u[:3] == b"\x05\x00\x03" for u in r.udh),
          "parts carry one reference, total 2, seq 1 and 2: %r" % r.udh)
    r = w.step("0")
    w2 = Walker(d, chain)
    w2.step("hallo")
    r = w2.step(None, kind="data", data=b"1", what="an 8-bit MO '1'")
    check(r.text.startswith(names_nl), "an 8-bit MO is read (as Latin-1)")
    r = w2.step(MARKER + " vrije tekst", what="free text")
    check(r.text.startswith("Ongeldige"), "free text: choose a number")

    # 4. Kannel restarted mid-conversation: helplined goes on, the session
    # with it.
    w.step("00")
    chain.restart()
    r = w.step("1", what="first MO after Kannel restarted")
    check(r.text.startswith(names_nl),
          "Kannel restarted: the next MO is answered, the session kept")

    # 5. UCS-2 without mo-recode: UTF-16BE bytes in the body.
    chain.reconfigure({("smsbox", "mo-recode"): False})
    chain.restart()
    w = Walker(d, chain)
    w.step("hallo")
    r = w.step("zo\u00eb", kind="ucs2", what="UCS-2 MO 'zoë' (UTF-16BE)")
    check(r.text.startswith(names_nl), "a UTF-16BE MO is read intact")
    r = w.step("zo\u00eb\u20ac", kind="ucs2", what="UCS-2 MO 'zoë€'")
    check(r.text.startswith("Ongeldige"), "an unknown UCS-2 word: invalid")

    # 6. get-url (the shipped example), with mo-recode back on.
    chain.reconfigure({("smsbox", "mo-recode"): True})
    chain.use_get_url(True)
    chain.restart()
    w = Walker(d, chain)
    w.step("hallo", what="get-url: first message")
    r = w.step("zo\u00eb", kind="ucs2", what="get-url: UCS-2 MO")
    check(r.text.startswith(names_nl) and r.kind == "ucs-2",
          "get-url: ë in and out")
    r = w.step("00")
    r = w.step("2", what="get-url: long screen")
    check(r.parts == 2, "get-url: 2 parts")
    chain.use_get_url(False)

    # 7. A shared secret: without key= Kannel gets 403 and the user
    # Kannel's text; with it, answers.
    d.stop()
    d = helplined(menu=TEST_MENU,
                  conf="secret = k3y-%s\n[screens]\nsms_segments = 2\n"
                  % os.getpid())
    chain.restart()
    phone = handset()
    chain.send(phone, "hallo")
    r = chain.wait_reply(phone)
    check(r.text == couldnotfetch, "no key=: refused, Kannel's text sent")
    chain.secret = "k3y-%s" % os.getpid()
    chain.use_get_url(False)
    chain.restart()
    w = Walker(d, chain)
    r = w.step("hallo", what="with key=")
    check(r.text.startswith("Testlijn."), "with key=: answered")
    check("403" in d.log() and "key=" in d.log(),
          "the refusal is logged (without the key)")
    check(chain.secret not in d.log(), "the secret is never logged")

    # 8. reply_via = sendsms: an empty 200 now, the reply pushed.
    d.stop()
    push_conf = ("secret = %s\nreply_via = sendsms\nsendsms_url = %s\n"
                 "sendsms_user = %s\nsendsms_password = %%s\n"
                 "[screens]\nsms_segments = 2\n"
                 % (chain.secret, chain.sendsms_url, SENDSMS[0]))
    d = helplined(menu=TEST_MENU, conf=push_conf % SENDSMS[1])
    w = Walker(d, chain)
    r = w.step("hallo", what="sendsms: first message")
    check(r.sender == chain.shortcode,
          "sendsms: the reply comes from the number texted (%s)" % r.sender)
    r = w.step("zo\u00eb", kind="ucs2", what="sendsms: UCS-2")
    check(r.kind == "ucs-2" and r.text.startswith(names_nl),
          "sendsms: ë pushed as UCS-2")
    w.step("00")
    r = w.step("2", what="sendsms: long screen")
    check(r.parts == 2, "sendsms: 2 parts")
    r = w.step("0", what="sendsms: no empty SMS came in between")
    check(d.stop() == 0, "sendsms: clean stop")
    check("0 failed" in d.log(), "sendsms: counted, none failed")
    d = helplined(menu=TEST_MENU, conf=push_conf % "wrong-password")
    phone = handset()
    chain.send(phone, "hallo")
    wait_for(lambda: "403" in d.log(), 15, "the sendsms failure logged")
    check("sendsms refused the credentials" in d.log(),
          "a refused sendsms is logged")
    check("wrong-password" not in d.log() and SENDSMS[1] not in d.log(),
          "sendsms credentials are never logged")
    d.stop()

    # 9. What Kannel and helplined wrote: no number, no marker text.
    chain.stop()
    with open(access, encoding="utf-8", errors="replace") as f:
        alog = f.read()
    check("Receive SMS" in alog and "Sent SMS" in alog,
          "bearerbox's access log records traffic")
    needles = {MARKER.encode()}
    for n in handsets:
        needles |= {n.encode(), n[1:].encode(), ("0" + n[3:]).encode(),
                    ("%2B" + n[1:]).encode()}
    files = chain.files() + [x.stderr_path for x in daemons]
    check(len(chain.files()) >= 4, "Kannel's files found: %s"
          % [os.path.basename(p) for p in chain.files()])
    for path in files:
        with open(path, "rb") as f:
            data = f.read()
        hits = sorted(x.decode() for x in needles if x in data)
        check(not hits, "%s holds no number or text: %s"
              % (os.path.basename(path), hits[:3]))
    # The test's own yardstick: fakesmsc (the handset) did see numbers.
    with open(os.path.join(chain.dir, "fakesmsc.log"), "rb") as f:
        check(walked[0].encode() in f.read(),
              "the needles are right (the handset's log has them)")
finally:
    chain.kill()
    for x in daemons:
        if x.proc.poll() is None:
            x.kill()
finish()
