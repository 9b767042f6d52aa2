"""SMPP end to end: helplined binds as an ESME to a third-party SMSC.

The SMSC is the npm smpp package's server (tests/e2e/smsc/smsc.js, driven
through smsc.py) on a free loopback port.  Each reply the handset gets is
decoded with smsc.py's own GSM-7/UCS-2 codec (independent of helplined's C
code) and compared with what helplined's JSON webhook answers a shadow
sender making the same moves, so "what the handset sees" is checked
character for character.
"""
import os
import signal
import tempfile
import time

from helplinetest import (Daemon, check, finish, load_menu,
                          paths_to_nodes, wait_for)
from smsc import Smsc, decode_sm, encode_sm

menu = load_menu()
paths = paths_to_nodes(menu)
work = tempfile.mkdtemp(prefix="hl-smpp-e2e-")
daemons = []

TEST_MENU = os.path.join(work, "menu.yaml")
with open(TEST_MENU, "w", encoding="utf-8") as f:
    f.write("""\
helpline: smpp-test
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
      - {key: "@\u20ac{", label: {nl: Tekens, en: Signs}, goto: gsm}
  names:
    text: {nl: "Zo\u00eb en Chlo\u00eb helpen je.", en: "Zo\u00eb and Chlo\u00eb help you."}
  gsm:
    text: {nl: "GSM-7: @ \u20ac { } [ ] ~ ^ | \\\\ $ _ en \u00e9\u00e8\u00e0.", en: "GSM-7: @ \u20ac { } [ ] ~ ^ | \\\\ $ _ and \u00e9\u00e8\u00e0."}
  long:
    text:
      nl: "Dit scherm is bewust lang: het past niet in een enkele SMS van 160 tekens en gaat daarom als twee delen over de lijn, die de telefoon weer aan elkaar plakt. Zo zien we dat helplined de delen goed nummert en dat niets wegvalt onderweg naar de telefoon."
      en: "This screen is long on purpose: it does not fit a single SMS of 160 characters, so it travels as two parts that the phone joins again. This shows that helplined numbers the parts well and that nothing is lost on the way to the phone at all."
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
    n = "316%08d" % (52000000 + _next[0])
    handsets.append(n)
    return n


def helplined(smsc, conf="", menu=TEST_MENU, extra_sections=""):
    d = Daemon(config="[adapter.smpp]\nenabled = yes\nhost = 127.0.0.1\n"
               "port = %d\nsystem_id = helplined\npassword = s3cret\n"
               "reconnect_min_ms = 50\nreconnect_max_ms = 400\n%s%s"
               % (smsc.port, conf, extra_sections),
               menu=menu, workdir=tempfile.mkdtemp(prefix="hl-", dir=work))
    daemons.append(d)
    return d


def gsm(text):
    return encode_sm(text, 0)


def ucs2(text):
    return text.encode("utf-16-be").hex()


def reply_of(smsc, dest, timeout=10):
    """Waits for every part of the next reply to dest; returns (text,
    [submit_sm events])."""
    first = smsc.wait("submit_sm", lambda e: e["destination_addr"] == dest,
                      timeout)
    subs = [first]
    text, concat = decode_sm(first["data_coding"], first["short_message"],
                             first["esm_class"])
    if concat is None:
        return text, subs
    ref, total, _ = concat
    parts = {concat[2]: text}
    while len(parts) < total:
        e = smsc.wait("submit_sm", lambda e: e["destination_addr"] == dest,
                      timeout)
        subs.append(e)
        t, c = decode_sm(e["data_coding"], e["short_message"],
                         e["esm_class"])
        check(c is not None and c[0] == ref and c[1] == total,
              "a part of the same concatenated reply")
        parts[c[2]] = t
    return "".join(parts[i] for i in sorted(parts)), subs


class Walker:
    """A handset on the SMSC and a JSON shadow sender making the same
    moves."""

    def __init__(self, d, smsc, channel="sms"):
        self.d, self.smsc, self.channel = d, smsc, channel
        self.phone = handset()
        self.shadow = "+" + handset()

    def expect(self, text):
        return self.d.reply(self.shadow, text, channel=self.channel)

    def step(self, text, what=None, data_coding=0, short_message=None,
             **deliver):
        expected = self.expect(text)
        if short_message is None:
            short_message = (ucs2(text) if data_coding == 8
                             else gsm(text))
        self.smsc.deliver(source_addr=self.phone, source_addr_ton=1,
                          destination_addr="1234", data_coding=data_coding,
                          short_message=short_message, **deliver)
        got, subs = reply_of(self.smsc, self.phone)
        check(got == expected, "%s: handset got %r, helplined said %r"
              % (what or text, got, expected))
        return got, subs


def stop_all():
    for d in daemons:
        if d.proc.poll() is None:
            d.kill()


try:
    # --- bind, a walk by SMS in NL and EN, codings ----------------------
    with Smsc() as smsc:
        d = helplined(smsc)
        b = smsc.wait("bind")
        check(b["kind"] == "transceiver", "one bind_transceiver")
        check(b["system_id"] == "helplined" and b["password"] == "s3cret",
              "system_id and password from the config")
        check(b["interface_version"] == 0x34, "interface_version 0x34")

        w = Walker(d, smsc)
        got, subs = w.step("hoi", "first message")
        check(subs[0]["data_coding"] == 0 and subs[0]["esm_class"] == 0,
              "a GSM-7 reply in one part, no UDH")
        check(subs[0]["source_addr"] == "1234",
              "the reply comes from the number the MO went to")
        check(subs[0]["service_type"] == "", "SMS: no service_type")
        w.step("1", "to the names screen")
        got, subs = w.step("0", "back")
        w.step("EN", "language switch")
        got, subs = w.step("1", "names in English")
        check("Zoë and Chloë" in got, "EN names screen")
        check(subs[0]["data_coding"] == 8, "ë needs a UCS-2 reply")

        # GSM-7 with @, € and { as an option key: decoded exactly, or the
        # engine would answer "invalid".
        w2 = Walker(d, smsc)
        w2.step("hoi")
        got, subs = w2.step("@€{", "GSM-7 MO with @ € {")
        check(got.startswith("GSM-7: @ € { } [ ] ~ ^ | \\ $ _ en éèà."),
              "@€{ reached its node: %r" % got)
        check(subs[0]["data_coding"] == 0,
              "a reply of GSM-7 characters goes as GSM-7")
        raw = bytes.fromhex(subs[0]["short_message"])
        check(raw[7:10] == b"\x00\x20\x1b" and b"\x1b\x65" in raw and
              b"\x1b\x28" in raw, "@ is 0x00, € 1B 65, { 1B 28 on the wire")

        # UCS-2 ë as a keyword; IA5 and Latin-1 MO.
        w3 = Walker(d, smsc)
        got, subs = w3.step("zoë", "UCS-2 MO keyword", data_coding=8)
        check("Zoë en Chloë" in got, "UCS-2 MO decoded: %r" % got)
        check(subs[0]["data_coding"] == 8, "UCS-2 reply")
        w4 = Walker(d, smsc)
        w4.step("hoi", data_coding=1, short_message=b"hoi".hex())
        w4.step("1", "IA5 MO", data_coding=1, short_message=b"1".hex())
        w5 = Walker(d, smsc)
        w5.step("zoë", "Latin-1 MO", data_coding=3,
                short_message="zoë".encode("latin-1").hex())

        # A long screen as concatenated parts (sms_segments = 2 below is
        # needed: the default of 1 pages it instead).
        w6 = Walker(d, smsc)
        got, subs = w6.step("2", "long screen, paged at 1 segment")
        check(len(subs) == 1, "sms_segments = 1: one part per screen")

        # Concatenated MO: UDH IEI 0x00 out of order, the escape of € split
        # across the parts; IEI 0x08; sar_* TLVs; message_payload.
        w7 = Walker(d, smsc)
        w7.step("hoi")
        expected = w7.expect("@€{")
        whole = bytes.fromhex(gsm("@€{"))          # 00 1B 65 1B 28
        p1 = "050003" + "2a0201" + whole[:2].hex()
        p2 = "050003" + "2a0202" + whole[2:].hex()
        smsc.deliver(source_addr=w7.phone, source_addr_ton=1, destination_addr="1234",
                     data_coding=0, esm_class=0x40, short_message=p2)
        time.sleep(0.2)
        check(not smsc.events("submit_sm"), "no reply to half a message")
        smsc.deliver(source_addr=w7.phone, source_addr_ton=1, destination_addr="1234",
                     data_coding=0, esm_class=0x40, short_message=p1)
        got, _ = reply_of(smsc, w7.phone)
        check(got == expected, "UDH parts out of order, escape split: %r"
              % got)

        w8 = Walker(d, smsc)
        w8.step("hoi")
        expected = w8.expect("zoë")
        u = "zoë".encode("utf-16-be")
        for seq, chunk in ((1, u[:2]), (2, u[2:4]), (2, u[2:4]),
                           (3, u[4:])):
            smsc.deliver(source_addr=w8.phone, source_addr_ton=1, destination_addr="1234",
                         data_coding=8, esm_class=0x40,
                         short_message="060804beef03%02x" % seq + chunk.hex())
        got, _ = reply_of(smsc, w8.phone)
        check(got == expected, "UDH IEI 0x08 with a duplicate part")

        w9 = Walker(d, smsc)
        w9.step("hoi")
        expected = w9.expect("1")
        smsc.deliver(source_addr=w9.phone, source_addr_ton=1, destination_addr="1234",
                     data_coding=0, short_message=gsm("1"),
                     sar_msg_ref_num=7, sar_total_segments=1,
                     sar_segment_seqnum=1)
        got, _ = reply_of(smsc, w9.phone)
        check(got == expected, "sar_* with one segment")
        expected = w9.expect("0")
        expected = w9.expect("@€{")
        # Undo the shadow's "0": both now stand at home, then "@€{".
        smsc.deliver(source_addr=w9.phone, source_addr_ton=1, destination_addr="1234",
                     data_coding=0, short_message=gsm("0"))
        reply_of(smsc, w9.phone)
        for seq, chunk in ((2, whole[3:]), (1, whole[:3])):
            smsc.deliver(source_addr=w9.phone, source_addr_ton=1, destination_addr="1234",
                         data_coding=0, short_message=chunk.hex(),
                         sar_msg_ref_num=300, sar_total_segments=2,
                         sar_segment_seqnum=seq)
        got, _ = reply_of(smsc, w9.phone)
        check(got == expected, "sar_* parts out of order: %r" % got)

        w10 = Walker(d, smsc)
        expected = w10.expect("hoi")
        smsc.deliver(source_addr=w10.phone, source_addr_ton=1, destination_addr="1234",
                     data_coding=0, short_message="",
                     message_payload=gsm("hoi"))
        got, _ = reply_of(smsc, w10.phone)
        check(got == expected, "message_payload read like short_message")

        # A delivery receipt is acknowledged and not answered.
        r = smsc.send({"cmd": "deliver", "source_addr": w10.phone,
                       "source_addr_ton": 1,
                       "destination_addr": "1234", "data_coding": 0,
                       "esm_class": 0x04,
                       "short_message": b"id:1 stat:DELIVRD".hex(),
                       "receipted_message_id": "1", "message_state": 2})
        resp = smsc.wait("deliver_sm_resp", lambda e: e["seq"] == r["seq"])
        check(resp["command_status"] == 0, "receipt acknowledged")
        time.sleep(0.3)
        check(not [e for e in smsc.events("submit_sm")
                   if e["destination_addr"] == w10.phone],
              "a receipt is not taken for a message")

        # Garbage: an unknown command id gets generic_nack 0x03, a
        # deliver_sm that does not unpack 0x02, and the link goes on.
        smsc.send({"cmd": "raw", "hex": "00000010000001ff0000000000000abc"})
        n = smsc.wait("generic_nack", lambda e: e["seq"] == 0xabc)
        check(n["status"] == 3, "unknown command: generic_nack RINVCMDID")
        smsc.send({"cmd": "raw", "hex": "00000014000000050000000000000abd"
                                        "41424344"})
        n = smsc.wait("generic_nack", lambda e: e["seq"] == 0xabd)
        check(n["status"] == 2, "malformed deliver_sm: generic_nack")
        w11 = Walker(d, smsc)
        w11.step("hoi", "the link goes on after garbage")
        check(smsc.events("bind") == [], "no rebind after garbage")

        # A 4 GB command_length cannot be resynchronised: the link is
        # dropped and helplined binds again.
        smsc.send({"cmd": "raw", "hex": "ffffffff000000050000000000000001"})
        smsc.wait("bind", timeout=10)
        w11.step("1", "after a 4 GB command_length and a rebind")
        check("bad PDU length" in d.log() or "PDU length" in d.log(),
              "the bad length is logged")
        check(d.stop() == 0, "helplined stops cleanly")
        check(smsc.wait("unbind") is not None, "SIGTERM unbinds")

    # --- long replies as concatenated parts -----------------------------
    with Smsc() as smsc:
        d = helplined(smsc, extra_sections="[screens]\nsms_segments = 2\n")
        smsc.wait("bind")
        w = Walker(d, smsc)
        w.step("hoi")
        got, subs = w.step("2", "a long screen in two parts")
        check(len(subs) == 2, "two submit_sm for a two-part screen")
        check(all(s["esm_class"] & 0x40 for s in subs), "UDHI set")
        check(len({s["short_message"][:10] for s in subs}) == 1,
              "same UDH ref and total on both parts")
        w.step("EN")
        got, subs = w.step("2", "the long screen in English")
        check(len(subs) == 2, "EN: two parts")
        check(d.stop() == 0, "stops")

    # --- USSD: op 1 -> 2 ... -> 17, its_session_info echoed -------------
    with Smsc() as smsc:
        d = helplined(smsc, menu=None)
        smsc.wait("bind")
        u = Walker(d, smsc, channel="ussd")
        start = u.expect("")

        def ussd(op, text, sess="0700"):
            smsc.deliver(source_addr=u.phone, source_addr_ton=1,
                         destination_addr="*123#", service_type="USSD",
                         data_coding=0, short_message=gsm(text),
                         ussd_service_op=op, its_session_info=sess)
            return reply_of(smsc, u.phone)

        got, subs = ussd(1, "*123#")
        check(got == start, "USSD begin: the main menu")
        s = subs[0]
        check(s["ussd_service_op"] == 2, "menu as USSR request (op 2)")
        check(s["its_session_info"] == "0700", "its_session_info echoed")
        check(s["service_type"] == "USSD", "service_type USSD")
        leaf = None
        for node, keys in paths.items():
            n = menu["nodes"][node]
            if keys and not n.get("options") and len(keys) <= 2:
                leaf = keys
                break
        check(leaf is not None, "the shipped menu has a leaf")
        for i, key in enumerate(leaf):
            expected = u.expect(key)
            got, subs = ussd(18, key, "07%02x" % (2 * (i + 1)))
            check(got == expected, "USSD step %r" % key)
        check(subs[0]["ussd_service_op"] == 17,
              "final screen as PSSR response (op 17)")
        check(int(subs[0]["its_session_info"], 16) & 1 == 1,
              "end-of-session bit on the final screen")
        check(d.stop() == 0, "stops")

    # --- a USSD screen the engine allows but one USSD string cannot hold:
    # cut to what fits, never left unanswered ---------------------------
    long_menu = os.path.join(work, "ussd-long.yaml")
    with open(TEST_MENU, encoding="utf-8") as f:
        src = f.read()
    with open(long_menu, "w", encoding="utf-8") as f:
        f.write(src.replace('text: {nl: "Testlijn.", en: "Test line."}',
                            'text: {nl: "%s", en: "Test line."}'
                            % ("Zoë " * 37)))
    with Smsc() as smsc:
        d = helplined(smsc, menu=long_menu)
        smsc.wait("bind")
        p = handset()
        smsc.deliver(source_addr=p, source_addr_ton=1,
                     destination_addr="*123#", service_type="USSD",
                     data_coding=0, short_message=gsm("*123#"),
                     ussd_service_op=1, its_session_info="0300")
        got, subs = reply_of(smsc, p)
        check(subs[0]["data_coding"] == 8 and
              len(subs[0]["short_message"]) // 2 <= 254,
              "a too-long UCS-2 USSD screen is cut to one string")
        check(got.startswith("Zoë Zoë") and subs[0]["ussd_service_op"] == 2,
              "its start is sent as the menu: %r" % got[:20])
        check("shorten it in the menu" in d.log(), "and the cut is logged")
        check(d.stop() == 0, "stops")

    # --- throttling, a link dropped mid-window --------------------------
    with Smsc() as smsc:
        d = helplined(smsc, conf="throttle_ms = 200\n")
        smsc.wait("bind")
        smsc.config(submit_status=[0x58, 0x14])
        w = Walker(d, smsc)
        expected = w.expect("hoi")
        smsc.deliver(source_addr=w.phone, source_addr_ton=1, destination_addr="1234",
                     data_coding=0, short_message=gsm("hoi"))
        tries = [smsc.wait("submit_sm", timeout=10) for _ in range(3)]
        check([t["status"] for t in tries] == [0x58, 0x14, 0],
              "throttled twice, then accepted: %r"
              % [t["status"] for t in tries])
        check(all(t["short_message"] == tries[0]["short_message"]
                  for t in tries), "the same part sent again")
        check(len({t["seq"] for t in tries}) == 3, "each with a new seq")
        check(decode_sm(0, tries[2]["short_message"])[0] == expected,
              "the reply arrives after throttling")
        check("slow down" in d.log(), "throttling is logged")

        # The SMSC swallows 4 submit_sm and drops the link: after the
        # reconnect all 4 replies arrive; none is silently lost.
        smsc.config(drop_after_submits=4)
        phones = [handset() for _ in range(4)]
        for p in phones:
            smsc.deliver(source_addr=p, source_addr_ton=1, destination_addr="1234",
                         data_coding=0, short_message=gsm("hoi"))
        smsc.wait("bind", timeout=10)
        accepted = set()

        def all_accepted():
            for e in smsc.events("submit_sm"):
                if e["status"] == 0:
                    accepted.add(e["destination_addr"])
            return accepted >= set(phones)
        wait_for(all_accepted, 15, "every reply after the link dropped")
        check(accepted >= set(phones), "all 4 replies accepted in the end")
        check(d.proc.poll() is None, "no crash when the link drops")
        check(d.stop() == 0, "stops")
        check("sent again" in d.log(), "the resends are counted")

    # --- rate = 5: six replies take at least a second (a lower bound:
    # a slow machine only makes it longer) ------------------------------
    with Smsc() as smsc:
        d = helplined(smsc, conf="rate = 5\n")
        smsc.wait("bind")
        t0 = time.monotonic()
        for p in [handset() for _ in range(6)]:
            smsc.deliver(source_addr=p, source_addr_ton=1,
                         destination_addr="1234", data_coding=0,
                         short_message=gsm("hoi"))
        for _ in range(6):
            smsc.wait("submit_sm", timeout=10)
        span = time.monotonic() - t0
        check(span >= 0.9, "rate = 5/s: 6 submits took %.2f s" % span)
        check(d.stop() == 0, "stops")

    # --- the SMSC refuses the bind: logged once, retried, then bound ----
    with Smsc() as smsc:
        smsc.config(refuse_bind=0x0E)
        d = helplined(smsc)
        for _ in range(4):
            b = smsc.wait("bind", timeout=10)
            check(b["status"] == 0x0E, "bind refused")
        check(d.log().count("refused the bind") == 1,
              "a refused bind is logged once, not per attempt")
        check("ESME_RINVPASWD" in d.log(), "the status is named")
        check("s3cret" not in d.log(), "the password is never logged")
        smsc.config(refuse_bind=0)
        wait_for(lambda: [e for e in smsc.events("bind")
                          if e["status"] == 0], 10, "a bind accepted")
        w = Walker(d, smsc)
        w.step("hoi", "works once the bind is accepted")
        check(d.stop() == 0, "stops")

    # --- keep-alive; a silent SMSC is dropped and reconnected -----------
    with Smsc() as smsc:
        d = helplined(smsc, conf="enquire_link_ms = 200\n"
                      "dead_after_ms = 1000\n")
        smsc.wait("bind")
        e = smsc.wait("enquire_link", timeout=5)
        check(e["answered"], "helplined sends enquire_link when quiet")
        smsc.config(answer_enquire_link=False)
        smsc.wait("bind", timeout=10)
        check("silent" in d.log(), "a silent SMSC is dropped")
        smsc.config(answer_enquire_link=True)
        w = Walker(d, smsc)
        w.step("hoi", "works after the reconnect")
        check(d.stop() == 0, "stops")

    # --- bind = pair: bind_receiver for MO, bind_transmitter for MT -----
    with Smsc() as smsc:
        d = helplined(smsc, conf="bind = pair\n")
        kinds = {smsc.wait("bind")["kind"], smsc.wait("bind")["kind"]}
        check(kinds == {"receiver", "transmitter"}, "a pair of binds")
        w = Walker(d, smsc)
        w.step("hoi", "MO on the receiver, reply on the transmitter")
        check(d.stop() == 0, "stops")
        unbinds = [smsc.wait("unbind"), smsc.wait("unbind")]
        check(len(unbinds) == 2, "both links unbound")

    # --- SIGTERM with submits outstanding -------------------------------
    with Smsc() as smsc:
        d = helplined(smsc)
        smsc.wait("bind")
        smsc.config(hold_submits=True)
        w = Walker(d, smsc)
        smsc.deliver(source_addr=w.phone, source_addr_ton=1, destination_addr="1234",
                     data_coding=0, short_message=gsm("hoi"))
        held = smsc.wait("submit_sm")
        check(held["held"], "the submit_sm is held")
        d.signal(signal.SIGTERM)
        time.sleep(0.3)
        r = smsc.send({"cmd": "deliver", "source_addr": w.phone,
                       "source_addr_ton": 1,
                       "destination_addr": "1234", "data_coding": 0,
                       "short_message": gsm("1")})
        resp = smsc.wait("deliver_sm_resp", lambda e: e["seq"] == r["seq"])
        check(resp["command_status"] == 0x64,
              "MO while stopping: ESME_RX_T_APPN (the SMSC retries later)")
        check(d.proc.poll() is None, "helplined waits for the submit_sm")
        smsc.send({"cmd": "release"})
        smsc.wait("unbind", timeout=10)
        check(d.proc.wait(10) == 0, "then unbinds and exits 0")
        check("not sent" not in d.log(), "nothing left unsent")

    with Smsc() as smsc:
        d = helplined(smsc, extra_sections="[daemon]\n"
                      "shutdown_grace_ms = 500\n")
        smsc.wait("bind")
        smsc.config(hold_submits=True)
        w = Walker(d, smsc)
        smsc.deliver(source_addr=w.phone, source_addr_ton=1, destination_addr="1234",
                     data_coding=0, short_message=gsm("hoi"))
        smsc.wait("submit_sm")
        check(d.stop() == 0, "the grace period bounds the wait")
        check(smsc.wait("unbind", timeout=5) is not None,
              "unbinds within the grace although the SMSC holds back")
        check("1 reply parts were sent but not confirmed" in d.log(),
              "what was not confirmed is counted and logged")

    # --- privacy: no number or text in any log --------------------------
    logs = "".join(x.log() for x in daemons)
    for n in handsets:
        check(n not in logs, "number %s in a log" % n)
    for word in ("Testlijn", "Zoë", "hoi"):
        check(word not in logs, "text %r in a log" % word)
finally:
    stop_all()

finish()
