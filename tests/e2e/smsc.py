"""smsc - a scriptable SMSC for helplined's SMPP tests, driven from Python.

The SMSC is smsc/smsc.js: the npm smpp package's server (a third-party
SMPP 3.4 implementation) scripted by JSON lines.  Smsc starts it on a free
loopback port, sends it commands and waits for its events:

    with Smsc() as smsc:
        ...start helplined with SMPP to 127.0.0.1:smsc.port...
        smsc.wait("bind")
        smsc.deliver(source_addr="31612345678", destination_addr="1234",
                     data_coding=0, short_message=encode_sm("hi", 0))
        sub = smsc.wait("submit_sm")
        text, concat = decode_sm(sub["data_coding"], sub["short_message"],
                                 sub["esm_class"])

send() waits for smsc.js's ack of each command, so a config is in force
before the test lets the ESME act.  Events not yet asked for stay queued;
wait() takes the first match out, events() drains them.  stop() ends the
process by its PID.  EchoEsme runs smsc/echo-esme.js, a minimal ESME, for
checking the simulator on its own.  decode_sm/encode_sm are a small GSM-7
(unpacked) and UCS-2 codec of our own, independent from helplined's C
code, so tests can check the bytes helplined submits.  stdlib only.
"""
import atexit
import json
import os
import shutil
import signal
import subprocess
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SMSC_DIR = os.path.join(HERE, "smsc")
SMSC_JS = os.path.join(SMSC_DIR, "smsc.js")
ECHO_ESME_JS = os.path.join(SMSC_DIR, "echo-esme.js")


class SmscError(RuntimeError):
    """smsc.js refused a command, died, or cannot be started."""


def node_binary():
    """The node to run: $HL_NODE, node on PATH, or /usr/bin/node."""
    node = os.environ.get("HL_NODE") or shutil.which("node") or "/usr/bin/node"
    if not os.access(node, os.X_OK):
        raise SmscError("Node.js not found (looked for %s): run "
                        "contrib/deps.sh" % node)
    if not os.path.isdir(os.path.join(SMSC_DIR, "node_modules", "smpp")):
        raise SmscError("the npm smpp package is missing under %s: run "
                        "contrib/deps.sh" % os.path.join(SMSC_DIR,
                                                         "node_modules"))
    return node


class JsonProcess:
    """A node script that prints one JSON event a line on stdout."""

    def __init__(self, argv, stdin=True):
        self.proc = subprocess.Popen(
            argv, stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.pid = self.proc.pid
        self.history = []       # every event, in order, for diagnostics
        self._queue = []        # events nobody has waited for yet
        self._stderr = []
        self._eof = False
        self._cond = threading.Condition()
        self._readers = [
            threading.Thread(target=self._read_stdout, daemon=True),
            threading.Thread(target=self._read_stderr, daemon=True)]
        for t in self._readers:
            t.start()
        atexit.register(self._kill)

    def _read_stdout(self):
        for line in self.proc.stdout:
            line = line.decode("utf-8", "replace").strip()
            if not line:
                continue
            try:
                ev = json.loads(line)
            except ValueError:
                ev = {"event": "_unparsed", "line": line}
            with self._cond:
                self.history.append(ev)
                self._queue.append(ev)
                self._cond.notify_all()
        with self._cond:
            self._eof = True
            self._cond.notify_all()

    def _read_stderr(self):
        for line in self.proc.stderr:
            with self._cond:
                self._stderr.append(line.decode("utf-8", "replace"))

    def stderr(self):
        with self._cond:
            return "".join(self._stderr)

    def wait(self, name, pred=None, timeout=10):
        """Takes the first queued event called name (a name or a tuple of
        names) and matching pred out of the queue, waiting up to timeout
        seconds for it."""
        names = (name,) if isinstance(name, str) else tuple(name)
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for i, ev in enumerate(self._queue):
                    if ev.get("event") in names and (pred is None or pred(ev)):
                        return self._queue.pop(i)
                left = deadline - time.monotonic()
                if self._eof:
                    raise SmscError("%s exited (status %s) before event %r;"
                                    " stderr: %s" % (
                                        self.__class__.__name__,
                                        self.proc.poll(), name,
                                        "".join(self._stderr)[-2000:]))
                if left <= 0:
                    seen = [e.get("event") for e in self.history[-20:]]
                    raise TimeoutError("no event %r in %ss; last events: %s"
                                       % (name, timeout, seen))
                self._cond.wait(left)

    def events(self, name=None):
        """Drains and returns the queued events called name (all if None)."""
        with self._cond:
            keep, out = [], []
            for e in self._queue:
                hit = name is None or e.get("event") == name
                (out if hit else keep).append(e)
            self._queue = keep
            return out

    def exited(self):
        return self.proc.poll() is not None

    def stop(self, timeout=5):
        """Closes stdin, sends SIGTERM by PID, waits; SIGKILL if it hangs.
        Returns the exit status."""
        if self.proc.poll() is None:
            try:
                if self.proc.stdin:
                    self.proc.stdin.close()
            except OSError:
                pass
            try:
                os.kill(self.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                os.kill(self.pid, signal.SIGKILL)
                self.proc.wait()
        for t in self._readers:
            t.join(2)
        atexit.unregister(self._kill)
        return self.proc.returncode

    def _kill(self):
        if self.proc.poll() is None:
            os.kill(self.pid, signal.SIGKILL)
            self.proc.wait()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


class Smsc(JsonProcess):
    """smsc.js on 127.0.0.1:port (port 0 = a free one, read back)."""

    def __init__(self, port=0, system_id=None, timeout=10):
        argv = [node_binary(), SMSC_JS, "--port", str(port)]
        if system_id is not None:
            argv += ["--system-id", system_id]
        super().__init__(argv)
        self._next_id = 0
        self._send_lock = threading.Lock()
        try:
            self.port = self.wait("listening", timeout=timeout)["port"]
        except Exception:
            self.stop()
            raise

    def send(self, cmd, timeout=10, **fields):
        """Sends one command (a dict, plus keyword fields) and waits for
        its ack; returns the ok event, raises SmscError on an error."""
        cmd = dict(cmd, **fields)
        with self._send_lock:
            self._next_id += 1
            cmd["id"] = self._next_id
            line = json.dumps(cmd) + "\n"
            try:
                self.proc.stdin.write(line.encode("utf-8"))
                self.proc.stdin.flush()
            except OSError as e:
                raise SmscError("smsc.js is gone: %s; stderr: %s"
                                % (e, self.stderr()[-2000:]))
            want = cmd["id"]
            ack = self.wait(("ok", "error"), lambda e: e.get("id") == want,
                            timeout)
        if ack["event"] == "error":
            raise SmscError("smsc.js refused %s: %s"
                            % (cmd.get("cmd"), ack.get("message")))
        return ack

    def config(self, **kw):
        return self.send({"cmd": "config"}, **kw)

    def deliver(self, **kw):
        """A deliver_sm; data_coding is required, byte fields are hex.
        Returns the ack, whose "seq" is the deliver_sm's sequence number."""
        return self.send({"cmd": "deliver"}, **kw)

    def stats(self):
        self.send({"cmd": "stats"})
        return self.wait("stats")


class EchoEsme(JsonProcess):
    """smsc/echo-esme.js: binds as transceiver, echoes every MO back."""

    def __init__(self, port, system_id=None, password=None, verbose=True):
        argv = [node_binary(), ECHO_ESME_JS, str(port)]
        if system_id is not None:
            argv += ["--system-id", system_id]
        if password is not None:
            argv += ["--password", password]
        if verbose:
            argv.append("--verbose")
        super().__init__(argv, stdin=False)


# GSM 03.38 basic table (protocols.md section 5), one septet per octet.
GSM7_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅå"
    "Δ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ"
    " !\"#¤%&'()*+,-./"
    "0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNO"
    "PQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmno"
    "pqrstuvwxyzäöñüà")
# The extension table: ESC (0x1B) then this code, two septets each.
GSM7_EXT = {0x0A: "\f", 0x14: "^", 0x28: "{", 0x29: "}", 0x2F: "\\",
            0x3C: "[", 0x3D: "~", 0x3E: "]", 0x40: "|", 0x65: "€"}
_GSM7_ENC = {c: i for i, c in enumerate(GSM7_BASIC) if i != 0x1B}
_GSM7_EXT_ENC = {c: i for i, c in GSM7_EXT.items()}


def gsm7_decode(data):
    """Unpacked GSM-7 octets to text.  Strict: an octet above 0x7F, an
    unknown escape or a trailing ESC raises ValueError, because helplined
    must never send one."""
    out = []
    i = 0
    while i < len(data):
        b = data[i]
        if b > 0x7F:
            raise ValueError("octet 0x%02x is not a septet" % b)
        if b == 0x1B:
            if i + 1 >= len(data) or data[i + 1] not in GSM7_EXT:
                raise ValueError("bad GSM-7 escape at %d" % i)
            out.append(GSM7_EXT[data[i + 1]])
            i += 2
            continue
        out.append(GSM7_BASIC[b])
        i += 1
    return "".join(out)


def gsm7_encode(text):
    """Text to unpacked GSM-7 octets; ValueError if a character is not in
    the basic or extension table."""
    out = bytearray()
    for ch in text:
        if ch in _GSM7_ENC:
            out.append(_GSM7_ENC[ch])
        elif ch in _GSM7_EXT_ENC:
            out += bytes((0x1B, _GSM7_EXT_ENC[ch]))
        else:
            raise ValueError("%r is not in GSM-7" % ch)
    return bytes(out)


def _alphabet(dcs):
    """'gsm7', 'ascii', 'latin1', 'ucs2' or 'binary' for an SMPP
    data_coding, ValueError for the ones tests have no business with."""
    smpp = {0x00: "gsm7", 0x01: "ascii", 0x02: "binary", 0x03: "latin1",
            0x04: "binary", 0x08: "ucs2"}
    if dcs in smpp:
        return smpp[dcs]
    if 0xF0 <= dcs <= 0xFF:             # message class group
        return "binary" if dcs & 0x04 else "gsm7"
    if 0x10 <= dcs <= 0x7F:             # general data coding groups
        alpha = (dcs >> 2) & 0x03
        if alpha != 0x03:
            return ("gsm7", "binary", "ucs2")[alpha]
    raise ValueError("data_coding 0x%02x not supported here" % dcs)


def split_udh(data, esm_class):
    """(udh_bytes_or_None, body) of a short_message."""
    if not esm_class & 0x40:
        return None, data
    if not data or data[0] + 1 > len(data):
        raise ValueError("UDHI set but no room for the UDH")
    n = data[0]
    return data[1:1 + n], data[1 + n:]


def udh_concat(udh):
    """(ref, total, seq) from a UDH's IEI 0x00 or 0x08, else None."""
    i = 0
    while i + 2 <= len(udh):
        iei, iel = udh[i], udh[i + 1]
        v = udh[i + 2:i + 2 + iel]
        if len(v) != iel:
            raise ValueError("truncated UDH element")
        if iei == 0x00 and iel == 3:
            return v[0], v[1], v[2]
        if iei == 0x08 and iel == 4:
            return (v[0] << 8) | v[1], v[2], v[3]
        i += 2 + iel
    return None


def decode_sm(data_coding, hexdata, esm_class=0):
    """(text, (ref, total, seq) or None) of a short_message given in hex
    (as smsc.js reports it).  8-bit data comes back as bytes."""
    data = bytes.fromhex(hexdata)
    udh, body = split_udh(data, esm_class)
    concat = udh_concat(udh) if udh is not None else None
    alpha = _alphabet(data_coding)
    if alpha == "gsm7":
        text = gsm7_decode(body)
    elif alpha == "ascii":
        text = body.decode("ascii")
    elif alpha == "latin1":
        text = body.decode("latin-1")
    elif alpha == "ucs2":
        if len(body) % 2:
            raise ValueError("odd UCS-2 length")
        text = body.decode("utf-16-be")
    else:
        text = body
    return text, concat


def encode_sm(text, data_coding, udh=None):
    """Hex short_message for a deliver: text in data_coding 0 (GSM-7),
    1 (ASCII), 3 (Latin-1) or 8 (UCS-2), after an optional UDH (bytes,
    without its length octet; remember esm_class 0x40)."""
    alpha = _alphabet(data_coding)
    if alpha == "gsm7":
        body = gsm7_encode(text)
    elif alpha == "ascii":
        body = text.encode("ascii")
    elif alpha == "latin1":
        body = text.encode("latin-1")
    elif alpha == "ucs2":
        body = text.encode("utf-16-be")
    else:
        body = bytes(text)
    if udh is not None:
        body = bytes((len(udh),)) + bytes(udh) + body
    return body.hex()
