"""The canary privacy test of DESIGN.md section 5.

Drives the JSON, console, Twilio and USSD adapters (and, in parts of their
own, the Kannel adapter behind a real Kannel chain and the SMPP adapter
bound to a real SMSC) with known numbers and a marker text,
then searches every file the daemon wrote (database with its free pages,
-wal, -shm, journals, logs, captured stdout/stderr, its temp dir) for the
numbers in every spelling, the marker (also hex and UTF-16), and the
sessions' pseudonyms.  Zero hits after a clean stop, after kill -9
mid-session and after expiry.  The operators' endpoint (/metrics and
/healthz) is scraped during each run and searched for the same numbers,
marker and pseudonyms.  The daemons run with the per-sender rate limit on,
at its defaults, as shipped.  The same run against a daemon built with
secure_delete=FAST must find leftover pseudonyms: that proves the test can
fail.
"""
import base64
import binascii
import hashlib
import hmac
import os
import sqlite3
import urllib.parse

from helplinetest import BUILDDIR, Daemon, check, finish, settled, wait_for

MARKER = "CANARY-7Q2X-MARKER"
JSON_NUMBERS = ["+31 6 1234 5678", "0031698765432"]
CONSOLE_NUMBER = "0687654321"
CROWD = 300     # enough sessions to fill several b-tree pages


def spellings(e164):
    """Every way a Dutch mobile number may be written down."""
    sub = e164[3:]                  # 612345678
    national = "0" + sub            # 0612345678
    out = {e164, "00" + e164[1:], e164[1:], national, sub,
           "+31 6 %s" % sub[1:], "+31 6 %s %s" % (sub[1:5], sub[5:]),
           "06-%s" % sub[1:], "06 %s" % sub[1:],
           urllib.parse.quote(e164, safe=""), "%2B" + e164[1:]}
    return {s.encode() for s in out}


def needles_for_text(text):
    b = text.encode()
    return {b, binascii.hexlify(b), binascii.hexlify(b).upper(),
            text.encode("utf-16-le"), text.encode("utf-16-be")}


KANNEL_NUMBER = "+31644445555"
SMPP_NUMBER = "+31655556666"
SMPP_PASSWORD = "cnry-pw1"
TWILIO_NUMBER = "+31611112222"
USSD_NUMBER = "+31633334444"
TOKEN = "canary-auth-token"
PUBLIC = "https://helpline.example.org/twilio/sms"
USSD_SECRET = "canary-ussd-secret-0123456789"
GATEWAY_IDS = ["SMcanary0000000000000000000000001", "ATUid_canary_dialogue"]
ADAPTERS = ("[adapter.twilio]\nenabled = yes\nauth_token = %s\n"
            "public_url = %s\n[adapter.ussd]\nenabled = yes\nsecret = %s\n"
            % (TOKEN, PUBLIC, USSD_SECRET))
E164 = ["+31612345678", "+31698765432", "+31687654321", TWILIO_NUMBER,
        USSD_NUMBER, KANNEL_NUMBER, SMPP_NUMBER]
NUMBER_NEEDLES = set()
for n in E164:
    NUMBER_NEEDLES |= spellings(n)
    # A plain (unkeyed) hash would be reversible: it must not appear either.
    NUMBER_NEEDLES.add(hashlib.sha256(n.encode()).digest())
    NUMBER_NEEDLES.add(hashlib.sha256(n.encode()).hexdigest().encode())
MARKER_NEEDLES = needles_for_text(MARKER)
for gid in GATEWAY_IDS + [TOKEN, USSD_SECRET, SMPP_PASSWORD]:
    MARKER_NEEDLES |= needles_for_text(gid)


def files_under(top):
    """Every regular file in the daemon's directory but the config the test
    wrote (which holds the console's number as test input); the control
    socket a killed daemon leaves behind holds no bytes to search."""
    for root, _, names in os.walk(top):
        for name in names:
            path = os.path.join(root, name)
            if name != "helplined.conf" and os.path.isfile(path):
                yield path


def search(top, needles, only_logs=False, paths=None):
    hits = []
    for path in paths if paths is not None else files_under(top):
        if only_logs and not path.endswith(".log"):
            continue
        with open(path, "rb") as f:
            data = f.read()
        for needle in needles:
            if needle in data:
                hits.append((os.path.relpath(path, top),
                             needle[:12]))
    return hits


def pseudonyms(d):
    return settled(lambda: pseudonyms_now(d))


def pseudonyms_now(d):
    db = sqlite3.connect("file:%s?mode=ro" % os.path.join(
        d.state, "helplined.db"), uri=True)
    try:
        return {row[0] for row in db.execute("SELECT who FROM sessions")}
    finally:
        db.close()


def pseudonym_needles(ps):
    out = set()
    for p in ps:
        out |= {p, binascii.hexlify(p), binascii.hexlify(p).upper()}
    return out


def twilio(d, body, sid):
    """One signed Twilio webhook call, as Twilio makes it."""
    params = [("MessageSid", sid), ("AccountSid", "ACcanary"),
              ("From", TWILIO_NUMBER), ("To", "+3197010000000"),
              ("Body", body), ("NumMedia", "0")]
    data = PUBLIC.encode()
    for name, value in sorted((n.encode(), v.encode()) for n, v in params):
        data += name + value
    sig = base64.b64encode(hmac.new(TOKEN.encode(), data,
                                    hashlib.sha1).digest()).decode()
    st, _, out = d.request("POST", "/twilio/sms",
                           urllib.parse.urlencode(params).encode(),
                           {"Content-Type":
                            "application/x-www-form-urlencoded",
                            "X-Twilio-Signature": sig})
    check(st == 200 and b"<Message>" in out, "twilio answered (%d)" % st)


def ussd(d, text):
    """One Africa's Talking callback with a cumulative text."""
    fields = {"sessionId": GATEWAY_IDS[1], "serviceCode": "*384*1234#",
              "phoneNumber": USSD_NUMBER, "networkCode": "20404",
              "text": text}
    st, _, out = d.request("POST", "/ussd",
                           urllib.parse.urlencode(fields).encode(),
                           {"Content-Type":
                            "application/x-www-form-urlencoded",
                            "X-Helpline-Secret": USSD_SECRET})
    check(st == 200 and out[:4] in (b"CON ", b"END "),
          "ussd answered (%d)" % st)


def scrape_clean(d, ps, what):
    """/metrics and /healthz: no number, marker or pseudonym, and the
    figures did see the canary's traffic (so the scrape is not empty)."""
    metrics = d.admin("GET", "/metrics")[2]
    health = d.admin("GET", "/healthz")[2]
    needles = NUMBER_NEEDLES | MARKER_NEEDLES | pseudonym_needles(ps)
    hits = [(name, n[:12]) for name, text in (("metrics", metrics),
                                              ("healthz", health))
            for n in needles if n in text]
    check(not hits, "%s: no number, marker or pseudonym in /metrics or "
          "/healthz %s" % (what, hits[:5]))
    check(b'helplined_requests_total{adapter="' in metrics and
          b'outcome="ok"}' in metrics, "%s: /metrics counted the canary's "
          "messages" % what)


def drive(d, crowd=CROWD, forget=True):
    """Talks to the daemon through every adapter; returns pseudonyms."""
    for n in JSON_NUMBERS:
        for text in ("hallo", "1", MARKER, "0"):
            d.reply(n, text)
    twilio(d, "hallo", GATEWAY_IDS[0])
    twilio(d, "hallo", GATEWAY_IDS[0])      # a retry
    for i, text in enumerate(("1", MARKER)):
        twilio(d, text, GATEWAY_IDS[0][:-1] + str(i + 2))
    for text in ("", "1", "1*" + MARKER):
        ussd(d, text)
    d.proc.stdin.write(("hallo\n1\n%s\n" % MARKER).encode())
    d.proc.stdin.flush()
    wait_for(lambda: d.output().count("\n\n") >= 3, 10, "console replies")
    for i in range(crowd):
        d.reply("+3162%07d" % i, "hi")
        d.reply("+3162%07d" % i, "1")
    ps = pseudonyms(d)
    check(len(ps) >= crowd + 5, "sessions exist during the run (%d)"
          % len(ps))
    scrape_clean(d, ps, "during the run")
    if forget:
        for i in range(crowd):
            d.reply("+3162%07d" % i, "WIS")
    return ps


def expect_clean(d, what, forgotten=(), all_ps=()):
    hits = search(d.dir, NUMBER_NEEDLES | MARKER_NEEDLES)
    check(not hits, "%s: no number or marker in any file %s"
          % (what, hits[:5]))
    hits = search(d.dir, pseudonym_needles(all_ps), only_logs=True)
    check(not hits, "%s: no pseudonym in logs %s" % (what, hits[:5]))
    if forgotten:
        hits = search(d.dir, pseudonym_needles(forgotten))
        check(not hits, "%s: no forgotten pseudonym in any file (%d hits)"
              " %s" % (what, len(hits), hits[:3]))
    return hits


def crowd_ps(all_ps, d_before):
    return all_ps - d_before


# 1. Clean stop, with the crowd forgotten through WIS.
d = Daemon(console=True, ratelimit=True,
           config="[adapter.console]\nfrom = %s\n%s"
           % (CONSOLE_NUMBER, ADAPTERS))
ps = drive(d)
left = pseudonyms(d)
forgotten = ps - left
check(len(forgotten) >= CROWD, "WIS deleted the crowd's sessions")
d.proc.stdin.close()
check(d.stop() == 0, "clean stop exits 0")
expect_clean(d, "clean stop", forgotten, ps)

# 2. kill -9 mid-session.
d = Daemon(console=True, ratelimit=True,
           config="[adapter.console]\nfrom = %s\n%s"
           % (CONSOLE_NUMBER, ADAPTERS))
ps = drive(d, crowd=50, forget=False)
d.kill()
expect_clean(d, "kill -9", (), ps)


# 3. Expiry: every session times out and is purged.
EXPIRY = ("[sessions]\nsms_idle = 10\nussd_idle = 10\nexpire_interval = 1\n"
          "[adapter.console]\nfrom = %s\n%s" % (CONSOLE_NUMBER, ADAPTERS))


def expiry_run(binary):
    dd = Daemon(binary=binary, console=True, config=EXPIRY, ratelimit=True)
    all_ps = drive(dd, forget=False)
    wait_for(lambda: not pseudonyms_now(dd), 40, "every session to expire")
    dd.proc.stdin.close()
    check(dd.stop() == 0, "stop after expiry exits 0")
    return dd, all_ps


d, ps = expiry_run(os.path.join(BUILDDIR, "helplined"))
expect_clean(d, "expiry", ps, ps)

# 4. Kannel: the real chain (fakesmsc -> bearerbox -> smsbox -> helplined),
# configured from the shipped contrib/kannel/helplined.conf.  Kannel's own
# logs and access log join the files searched.
import kannelchain  # noqa: E402

if kannelchain.available():
    d = Daemon(config="[adapter.kannel]\nenabled = yes\n", ratelimit=True)
    # Beside the daemon's dir: the chain's dir also holds the handset's
    # side (fakesmsc's log) and the config, which are not Kannel's output.
    chain = kannelchain.KannelChain("http://127.0.0.1:%d" % d.port,
                                    workdir=d.dir + "-kannel")
    try:
        chain.start()
        for text in ("hallo", "1", MARKER):
            r = chain.reply(KANNEL_NUMBER, text)
            check(bool(r), "kannel: a reply to %r" % text[:6])
        scrape_clean(d, pseudonyms(d), "kannel run")
    finally:
        chain.stop()
    check(d.stop() == 0, "kannel run: clean stop exits 0")
    kfiles = chain.files()
    check(len(kfiles) >= 2, "kannel wrote its logs (%d files)" % len(kfiles))
    hits = search(d.dir, NUMBER_NEEDLES | MARKER_NEEDLES)
    hits += search(chain.dir, NUMBER_NEEDLES | MARKER_NEEDLES, paths=kfiles)
    check(not hits, "kannel run: no number or marker in any file, Kannel's "
          "logs and access log included %s" % hits[:5])
    # The search can find a number: the handset's own log has it.
    hs = search(chain.dir, spellings(KANNEL_NUMBER), paths=[
        os.path.join(chain.dir, "fakesmsc.log")])
    check(bool(hs), "kannel run: the handset's log does show the number, "
          "so the search would see one")
else:
    print("kannel not installed: its part of the canary did not run")
    check(False, "kannel (bearerbox, smsbox, fakesmsc) is installed")

# 4b. SMPP: helplined bound to the npm smpp package's SMSC, at log level
# debug; SMS whole and in concatenated parts, and a USSD dialogue.
from smsc import Smsc, encode_sm  # noqa: E402

with Smsc() as smsc:
    d = Daemon(config="[daemon]\nlog_level = debug\n[adapter.smpp]\n"
               "enabled = yes\nport = %d\nsystem_id = canary\n"
               "password = %s\n" % (smsc.port, SMPP_PASSWORD),
               ratelimit=True)
    smsc.wait("bind")
    src = SMPP_NUMBER[1:]
    for text in ("hallo", "1", MARKER):
        smsc.deliver(source_addr=src, source_addr_ton=1,
                     destination_addr="1234", data_coding=0,
                     short_message=encode_sm(text, 0))
        smsc.wait("submit_sm")
    half = len(MARKER) // 2
    for seq, part in ((2, MARKER[half:]), (1, MARKER[:half])):
        smsc.deliver(source_addr=src, source_addr_ton=1,
                     destination_addr="1234", data_coding=0, esm_class=0x40,
                     short_message="0500035502%02x" % seq
                     + encode_sm(part, 0))
    smsc.wait("submit_sm")
    for op, text in ((1, "*123#"), (18, MARKER)):
        smsc.deliver(source_addr=src, source_addr_ton=1,
                     destination_addr="*123#", service_type="USSD",
                     data_coding=0, short_message=encode_sm(text, 0),
                     ussd_service_op=op, its_session_info="0900")
        smsc.wait("submit_sm")
    scrape_clean(d, pseudonyms(d), "smpp run")
    check(d.stop() == 0, "smpp run: clean stop exits 0")
    check(any(SMPP_NUMBER[1:] in e.get("destination_addr", "")
              for e in smsc.history),
          "smpp run: the SMSC did see the number, so the test could fail")
hits = search(d.dir, NUMBER_NEEDLES | MARKER_NEEDLES)
check(not hits, "smpp run: no number, marker or password in any file %s"
      % hits[:5])

# 5. Negative control: secure_delete=FAST must leave pseudonyms behind.
d, ps = expiry_run(os.path.join(BUILDDIR, "tests", "e2e",
                                "helplined-fast-delete"))
hits = search(d.dir, pseudonym_needles(ps))
print("negative control: %d leftover pseudonym hits with FAST" % len(hits))
check(len(hits) > 0, "negative control: with secure_delete=FAST the "
      "canary finds leftover pseudonyms (%d hits)" % len(hits))
finish()
