"""Kannel end to end: fakesmsc -> bearerbox -> smsbox -> helplined -> back.

The Kannel config is generated from the shipped contrib/kannel/helplined.conf
(kannelchain.py).  Each reply the handset gets is compared with what
helplined's JSON webhook answers a shadow sender making the same moves, so
"what the handset sees" is checked character for character.  Skips (exit
77) only when Kannel is not installed.
"""
import os
import re
import sys
import tempfile

from kannelchain import KannelChain, available, free_port

if not available():
    print("SKIP: Kannel (kannel, kannel-extras) is not installed")
    sys.exit(77)

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


daemons = []
chain = KannelChain("http://127.0.0.1:%d" % PORT,
                    workdir=os.path.join(work, "kannel"),
                    sendsms_user=SENDSMS)
couldnotfetch = chain.conf.get("smsbox", "reply-couldnotfetch")
try:
    d = helplined()
    chain.start()
    access = chain.conf.get("core", "access-log")

    # 1. The shipped menu, walked to a contact screen in NL and in EN.
    contact = sorted(n for n, v in menu["nodes"].items()
                     if v.get("contact") and n in paths)[0]
    for lang in ("nl", "en"):
        w = Walker(d, chain)
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
        check(handsets[0].encode() in f.read(),
              "the needles are right (the handset's log has them)")
finally:
    chain.kill()
    for x in daemons:
        if x.proc.poll() is None:
            x.kill()
finish()
