#!/usr/bin/env python3
"""selftest - checks smsc.js, echo-esme.js and smsc.py without helplined.

    python3 tests/e2e/smsc/selftest.py [--bench N [WINDOW]]

Not part of `make check`: it checks the test tool, not helplined.  With
--bench it also runs the MO->MT echo benchmark against echo-esme.js and
prints the simulator's own rate (the denominator for helplined's).
"""
import os
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                ".."))
from smsc import (Smsc, EchoEsme, SmscError, decode_sm, encode_sm,  # noqa
                  gsm7_decode, gsm7_encode)

failures = []
passes = 0


def check(cond, what):
    global passes
    if cond:
        passes += 1
    else:
        failures.append(what)
        print("FAIL: " + what, flush=True)


def pdu(command_id, seq, body=b"", status=0):
    return struct.pack(">IIII", 16 + len(body), command_id, status,
                       seq) + body


def read_pdu(sock):
    head = b""
    while len(head) < 16:
        chunk = sock.recv(16 - len(head))
        if not chunk:
            return None
        head += chunk
    length, cid, status, seq = struct.unpack(">IIII", head)
    body = b""
    while len(body) < length - 16:
        body += sock.recv(length - 16 - len(body))
    return cid, status, seq, body


def resp_to(esme, sub):
    """echo-esme's submit_sm_resp to the submit_sm smsc.js reported."""
    return esme.wait("submit_sm_resp", lambda e: e["seq"] == sub["seq"])


def raw_bind(port):
    """A hand-made ESME socket, bound as transceiver."""
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    body = b"raw\0pw\0\0" + bytes((0x34, 0, 0)) + b"\0"
    s.sendall(pdu(0x09, 1, body))
    cid, status, seq, _ = read_pdu(s)
    check(cid == 0x80000009 and status == 0 and seq == 1, "raw bind_resp")
    return s


def test_codec():
    check(decode_sm(8, "005a006f00eb002020ac") == ("Zoë €", None),
          "UCS-2 vector")
    check(decode_sm(0, "0001021b65", 0) == ("@£$€", None), "GSM-7 @£$€")
    check(gsm7_encode("a_{") == b"\x61\x11\x1b\x28", "GSM-7 encode")
    check(decode_sm(0, "050003070302" + "4142", 0x40) == ("AB", (7, 3, 2)),
          "UDH IEI 0")
    check(decode_sm(8, "0608041234020100410042", 0x40)
          == ("AB", (0x1234, 2, 1)), "UDH IEI 8")
    for bad in ("80", "1b", "1b41"):
        try:
            gsm7_decode(bytes.fromhex(bad))
            check(False, "GSM-7 strict on " + bad)
        except ValueError:
            check(True, "")
    check(encode_sm("Zoë", 8) == "005a006f00eb", "encode UCS-2")


def test_echo(smsc):
    esme = EchoEsme(smsc.port)
    b = smsc.wait("bind")
    check(b["kind"] == "transceiver" and b["system_id"] == "echo" and
          b["password"] == "secret" and b["status"] == 0, "bind event")
    esme.wait("bound")
    ack = smsc.deliver(source_addr="31612345678", destination_addr="1234",
                       data_coding=0, short_message=encode_sm("@Hoi $€", 0))
    r = smsc.wait("deliver_sm_resp", lambda e: e["seq"] == ack["seq"])
    check(r["command_status"] == 0, "deliver_sm_resp status")
    sub = smsc.wait("submit_sm")
    check(sub["destination_addr"] == "31612345678" and
          sub["source_addr"] == "1234" and sub["data_coding"] == 0 and
          sub["short_message"] == encode_sm("@Hoi $€", 0) and
          sub["status"] == 0 and sub["message_id"], "submit_sm event")
    check(decode_sm(sub["data_coding"], sub["short_message"],
                    sub["esm_class"]) == ("@Hoi $€", None), "decode echo")
    check(sub["pdu"].startswith("%08x00000004" % (len(sub["pdu"]) // 2)),
          "raw pdu hex")

    # USSD and SAR TLVs reach the ESME as sent.
    smsc.deliver(source_addr="31612345678", destination_addr="*123#",
                 service_type="USSD", data_coding=0,
                 short_message=encode_sm("*123#", 0), ussd_service_op=1,
                 its_session_info="0500", sar_msg_ref_num=300,
                 sar_total_segments=2, sar_segment_seqnum=1,
                 extra_tlvs=[[0x1403, "abcd"]])
    d = esme.wait("deliver_sm", lambda e: e["service_type"] == "USSD")
    check(d["ussd_service_op"] == 1 and d["its_session_info"] == "0500" and
          d["sar_msg_ref_num"] == 300 and d["sar_total_segments"] == 2 and
          d["sar_segment_seqnum"] == 1 and d["tlv_0x1403"] == "abcd",
          "deliver TLVs")
    sub = smsc.wait("submit_sm")
    check(sub["service_type"] == "USSD" and
          sub["destination_addr"] == "31612345678", "USSD echo")

    # message_payload and UCS-2 with a UDH.
    smsc.deliver(source_addr="316", destination_addr="1", data_coding=8,
                 esm_class=0x40, short_message="",
                 message_payload=encode_sm("Zoë", 8, udh=b"\x00\x03\x09\x02\x01"))
    sub = smsc.wait("submit_sm")
    check(sub["short_message"] == "" and sub["esm_class"] == 0x40 and
          decode_sm(8, sub["message_payload"], 0x40) == ("Zoë", (9, 2, 1)),
          "message_payload echo")

    # A receipt is answered, not echoed; a missing data_coding is refused.
    smsc.deliver(source_addr="316", destination_addr="1", data_coding=0,
                 esm_class=0x04, receipted_message_id="1", message_state=2,
                 short_message="")
    d = esme.wait("deliver_sm", lambda e: e["esm_class"] == 4)
    check(d["receipted_message_id"] == "1" and d["message_state"] == 2,
          "receipt TLVs")
    try:
        smsc.deliver(source_addr="316", destination_addr="1",
                     short_message="41")
        check(False, "deliver without data_coding refused")
    except SmscError:
        check(True, "")

    # Throttling: two RTHROTTLED, then OK.
    smsc.config(submit_status=[0x58, 0x58])
    for _ in range(3):
        smsc.deliver(source_addr="316", destination_addr="1", data_coding=0,
                     short_message="41")
    subs = [smsc.wait("submit_sm") for _ in range(3)]
    got = [resp_to(esme, sub)["status"] for sub in subs]
    check([sub["status"] for sub in subs] == [0x58, 0x58, 0] and
          got == [0x58, 0x58, 0], "throttle")

    # Held answers come on release; timed holds on their own.
    smsc.config(hold_submits=True)
    smsc.deliver(source_addr="316", destination_addr="1", data_coding=0,
                 short_message="41")
    sub = smsc.wait("submit_sm")
    check(sub["held"], "submit held")
    check(smsc.stats()["held"] == 1, "stats held")
    check(not [e for e in esme.events("submit_sm_resp")
               if e["seq"] == sub["seq"]], "no answer while held")
    check(smsc.send({"cmd": "release"})["count"] == 1, "release count")
    resp_to(esme, sub)
    smsc.config(hold_submits=200)
    t0 = time.monotonic()
    smsc.deliver(source_addr="316", destination_addr="1", data_coding=0,
                 short_message="41")
    resp_to(esme, smsc.wait("submit_sm"))
    check(time.monotonic() - t0 >= 0.19, "hold_submits ms")
    smsc.config(hold_submits=False)

    # The SMSC's own enquire_link, garbage and an unknown command id.
    ack = smsc.send({"cmd": "enquire_link"})
    check(smsc.wait("enquire_link_resp")["seq"] == ack["seq"],
          "enquire_link_resp")
    smsc.send({"cmd": "raw", "hex": "0000001000000099000000000000abcd"})
    n = smsc.wait("generic_nack")
    check(n["seq"] == 0xabcd and n["status"] == 3, "generic_nack event")

    # drop_after_submits: two swallowed, then the socket is gone.
    smsc.config(drop_after_submits=2)
    for _ in range(2):
        smsc.deliver(source_addr="316", destination_addr="1", data_coding=0,
                     short_message="41")
    subs = [smsc.wait("submit_sm") for _ in range(2)]
    smsc.wait("close")
    esme.wait("close")
    seqs = [sub["seq"] for sub in subs]
    check([sub["status"] for sub in subs] == [None, None] and
          not [e for e in esme.events("submit_sm_resp") if e["seq"] in seqs],
          "drop_after_submits")
    check(esme.stop() == 0, "echo-esme exit status")

    # A header claiming 4 GiB: the npm client gives up.
    esme = EchoEsme(smsc.port)
    esme.wait("bound")
    smsc.wait("bind")
    smsc.send({"cmd": "raw", "hex": "ffffffff000000050000000000000001"})
    check("too large" in esme.wait("error")["message"], "raw 0xFFFFFFFF")
    smsc.wait("close")
    esme.stop()

    # unbind from the SMSC.
    esme = EchoEsme(smsc.port)
    esme.wait("bound")
    smsc.wait("bind")
    smsc.send({"cmd": "unbind"})
    smsc.wait("unbind_resp")
    smsc.wait("close")
    check(esme.stop() == 0, "unbind closes cleanly")


def test_refuse(smsc):
    smsc.config(refuse_bind=0x0E)
    esme = EchoEsme(smsc.port)
    check(esme.wait("bind_failed")["status"] == 0x0E, "bind refused")
    check(smsc.wait("bind")["status"] == 0x0E, "bind event refused")
    smsc.wait("close")
    check(esme.stop() == 1, "echo-esme exit 1 on refusal")
    smsc.config(refuse_bind=0)


def test_raw_client(smsc):
    s = raw_bind(smsc.port)
    smsc.wait("bind")
    smsc.config(answer_enquire_link=False, delay_ms=100)
    s.sendall(pdu(0x15, 7))
    check(smsc.wait("enquire_link")["answered"] is False, "silent peer")
    smsc.config(answer_enquire_link=True)
    t0 = time.monotonic()
    s.sendall(pdu(0x15, 8))
    cid, status, seq, _ = read_pdu(s)
    check(cid == 0x80000015 and seq == 8 and
          time.monotonic() - t0 >= 0.09, "delayed enquire_link_resp")
    smsc.config(delay_ms=0)
    s.sendall(pdu(0x99, 9))
    cid, status, seq, _ = read_pdu(s)
    check(cid == 0x80000000 and status == 3 and seq == 9, "generic_nack out")
    check(smsc.wait("unknown")["command_id"] == 0x99, "unknown event")
    smsc.events("enquire_link")
    s.sendall(b"\xff\xff\xff\xff\x00\x00\x00\x04")
    check("too large" in smsc.wait("error")["message"], "garbage in")
    smsc.wait("close")
    s.close()
    # A submit_sm before any bind is refused.
    s = socket.create_connection(("127.0.0.1", smsc.port), timeout=5)
    s.sendall(pdu(0x04, 3, b"\0" * 16 + b"\x01A"))
    cid, status, seq, _ = read_pdu(s)
    check(cid == 0x80000004 and status == 4, "submit_sm unbound")
    check(smsc.wait("submit_sm")["status"] == 4, "submit_sm unbound event")
    s.sendall(pdu(0x06, 4))
    cid, status, seq, _ = read_pdu(s)
    check(cid == 0x80000006 and seq == 4, "unbind_resp")
    check(s.recv(1) == b"", "closed after unbind")
    s.close()
    smsc.wait("close")


def bench(n, window):
    with Smsc() as smsc:
        esme = EchoEsme(smsc.port, verbose=False)
        esme.wait("bound")
        smsc.send({"cmd": "bench", "messages": n, "window": window,
                   "text": "Hallo, ik heb een vraag"})
        r = smsc.wait("bench", timeout=600)
        print("bench:", r, flush=True)
        check(r["messages"] == n and "error" not in r, "bench complete")
        esme.stop()


def main():
    test_codec()
    with Smsc() as smsc:
        test_echo(smsc)
        test_refuse(smsc)
        test_raw_client(smsc)
        check(smsc.stop() == 0, "smsc.js exits 0")
    bench(500, 10)
    if len(sys.argv) > 2 and sys.argv[1] == "--bench":
        bench(int(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 10)
    print("%d passed, %d failed" % (passes, len(failures)), flush=True)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
