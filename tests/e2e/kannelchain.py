"""kannelchain - a real Kannel chain on loopback for helplined's tests.

    fakesmsc (the handset side) -> bearerbox -> smsbox -> helplined -> back

The Kannel config is generated FROM contrib/kannel/helplined.conf, the file
we ship: only ports, file paths and helplined's URL are substituted (and
whatever a test overrides on purpose), so the tests exercise that file and
not a copy of it.  Ports are free loopback ports (bound to port 0, then
released), every readiness is polled with a deadline (bearerbox's admin
status.txt, smsbox and the fake SMSC connected), the boxes run with `-v`
at the config's log-level, and everything is stopped by PID.

fakesmsc runs interactively: one MO per stdin line ("sender receiver type
payload").  It reads stdin through stdio but waits on the descriptor, so
two lines written at once can strand the second one: send() writes a line
and waits for fakesmsc's "sent message N" before it returns.  Replies are
read from fakesmsc's stderr, "Got message N: <from to type [udh] payload>":
type `text` (raw; a reply's line breaks come out as further log lines, a
fake-SMSC artifact that reply() joins back), `data` (URL-encoded 8-bit),
`ucs-2` (URL-encoded UTF-16BE) and `udh` (URL-encoded UDH then payload).
Parts of a concatenated reply (UDH 05 00 03 ref total seq) are joined.

files() lists every file Kannel wrote (logs, access log, captured stderr)
for privacy checks; fakesmsc's own output is the handset's and is left
out.  stdlib only; the lead's canary test does `from kannelchain import
KannelChain`.
"""
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.parse
import urllib.request

BEARERBOX = "/usr/sbin/bearerbox"
SMSBOX = "/usr/sbin/smsbox"
FAKESMSC = "/usr/lib/kannel/test/fakesmsc"
SRCDIR = os.environ.get("HL_SRCDIR", os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", "..")))
SHIPPED_CONF = os.path.join(SRCDIR, "contrib", "kannel", "helplined.conf")
SHIPPED_URL = "http://127.0.0.1:8088"


# Loopback only: never through an http_proxy from the environment.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def available():
    """True if Kannel and its fakesmsc are installed."""
    return all(os.access(p, os.X_OK) for p in (BEARERBOX, SMSBOX, FAKESMSC))


def free_port():
    """A loopback port that was free a moment ago."""
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
    finally:
        s.close()


def _poll(pred, timeout, what):
    deadline = time.monotonic() + timeout
    delay = 0.01
    while time.monotonic() < deadline:
        value = pred()
        if value:
            return value
        time.sleep(delay)
        delay = min(delay * 2, 0.1)
    raise TimeoutError("timed out waiting for " + what)


class KannelConf:
    """Kannel's config format: groups of `key = value` lines, ended by a
    blank line; comment lines are kept as they are."""

    def __init__(self, text):
        self.groups = []        # [name, [lines]]
        lines = []
        for line in text.splitlines():
            if line.strip() == "":
                if lines:
                    self._add(lines)
                lines = []
            else:
                lines.append(line)
        if lines:
            self._add(lines)

    def _add(self, lines):
        name = None
        for line in lines:
            m = re.match(r"\s*group\s*=\s*(\S+)", line)
            if m:
                name = m.group(1)
                break
        self.groups.append([name, lines])

    def group(self, name, nth=0):
        found = [g for g in self.groups if g[0] == name]
        if len(found) <= nth:
            raise KeyError("no group %s in the Kannel config" % name)
        return found[nth][1]

    @staticmethod
    def _key_re(key):
        return re.compile(r"\s*%s\s*=" % re.escape(key))

    def get(self, name, key, nth=0):
        for line in self.group(name, nth):
            if self._key_re(key).match(line):
                value = line.split("=", 1)[1].strip()
                if value.startswith('"') and value.endswith('"'):
                    value = value[1:-1]
                return value
        return None

    def set(self, name, key, value, nth=0):
        """Sets key in a group (replacing it, or adding it at the end);
        value None removes it.  Strings are written quoted."""
        lines = self.group(name, nth)
        new = None
        if value is not None:
            if isinstance(value, bool):
                value = "true" if value else "false"
            if isinstance(value, str) and not re.fullmatch(r"[\w.\-*]+",
                                                          value):
                value = '"%s"' % value
            new = "%s = %s" % (key, value)
        for i, line in enumerate(lines):
            if self._key_re(key).match(line):
                if new is None:
                    del lines[i]
                else:
                    lines[i] = new
                return
        if new is not None:
            lines.append(new)

    def add_group(self, text):
        self._add([ln for ln in text.splitlines() if ln.strip()])

    def uncomment_group(self, name):
        """Enables a group shipped commented out ("#group = name" and its
        "#key = value" lines)."""
        for g in self.groups:
            if g[0] is None and any(re.match(r"#group\s*=\s*%s\s*$"
                                             % re.escape(name), ln)
                                    for ln in g[1]):
                g[1] = [ln[1:] if re.match(r"#[\w-]+\s*=", ln) else ln
                        for ln in g[1]]
                g[0] = name
                return
        raise KeyError("no commented group %s in the Kannel config" % name)

    def comment_value(self, name, key, nth=0):
        """A value given in a comment line of the group ("#   key = v")."""
        for line in self.group(name, nth):
            m = re.match(r"\s*#\s*%s\s*=\s*\"?([^\"]*)\"?\s*$"
                         % re.escape(key), line)
            if m:
                return m.group(1)
        return None

    def text(self):
        return "\n\n".join("\n".join(lines) for _, lines in self.groups) + \
            "\n"


class Reply:
    """One reply as the handset got it."""

    def __init__(self, sender, receiver, kind, text, parts=1, udh=None):
        self.sender = sender        # who sent it (our short code)
        self.receiver = receiver    # the handset
        self.kind = kind            # text (GSM-7), ucs-2 or data (8-bit)
        self.text = text            # decoded, parts joined
        self.parts = parts
        self.udh = udh or []        # raw UDH of each part (bytes), in
        # the order they arrived

    def __repr__(self):
        return "Reply(%s, %s, parts=%d, %r)" % (self.receiver, self.kind,
                                                 self.parts, self.text)


class KannelChain:
    """bearerbox + smsbox + fakesmsc, configured from the shipped file."""

    def __init__(self, app_base, workdir=None, get_url=False, secret=None,
                 overrides=None, extra_groups=(), sendsms_user=None,
                 shortcode="1234", conf_path=SHIPPED_CONF, prefix=()):
        """app_base: helplined's base URL, "http://127.0.0.1:PORT".
        get_url: use the shipped (commented) get-url instead of post-url.
        sendsms_user: (username, password) enables the shipped (commented)
        sendsms-user group with them.
        overrides: {(group, key): value} applied last (None removes).
        prefix: a command the boxes run under (a benchmark's taskset)."""
        self.prefix = list(prefix)
        self.dir = workdir or tempfile.mkdtemp(prefix="hl-kannel-")
        os.makedirs(self.dir, exist_ok=True)
        self.shortcode = shortcode
        self.admin_port = free_port()
        self.smsbox_port = free_port()
        self.sendsms_port = free_port()
        self.smsc_port = free_port()
        with open(conf_path, encoding="utf-8") as f:
            conf = KannelConf(f.read())
        self.conf = conf
        self._configure(app_base, get_url, secret)
        if sendsms_user is not None:
            conf.uncomment_group("sendsms-user")
            conf.set("sendsms-user", "username", sendsms_user[0])
            conf.set("sendsms-user", "password", sendsms_user[1])
        for g in extra_groups:
            conf.add_group(g)
        for (group, key), value in (overrides or {}).items():
            conf.set(group, key, value)
        self.password = conf.get("core", "admin-password")
        self.log_level = {
            "bearerbox": int(conf.get("core", "log-level") or 0),
            "smsbox": int(conf.get("smsbox", "log-level") or 0)}
        self.conf_file = os.path.join(self.dir, "kannel.conf")
        self._write_conf()
        self.procs = {}
        self._lines = []            # fakesmsc's stderr, line by line
        self._cond = threading.Condition()
        self._sent = 0
        self._read_pos = 0
        self.starts = 0

    def _write_conf(self):
        with open(self.conf_file, "w", encoding="utf-8") as f:
            f.write(self.conf.text())

    def reconfigure(self, overrides):
        """Changes settings ({(group, key): value}, None removes) for the
        next start(); restart() to apply."""
        for (group, key), value in overrides.items():
            self.conf.set(group, key, value)
        self._write_conf()

    @property
    def sendsms_url(self):
        return "http://127.0.0.1:%d/cgi-bin/sendsms" % self.sendsms_port

    def _configure(self, app_base, get_url, secret):
        conf = self.conf
        d = self.dir
        conf.set("core", "admin-port", self.admin_port)
        conf.set("core", "smsbox-port", self.smsbox_port)
        conf.set("core", "log-file", os.path.join(d, "bearerbox.log"))
        if conf.get("core", "access-log") is not None:
            conf.set("core", "access-log", os.path.join(d, "access.log"))
        conf.set("smsc", "port", self.smsc_port)
        conf.set("smsbox", "bearerbox-port", self.smsbox_port)
        conf.set("smsbox", "sendsms-port", self.sendsms_port)
        conf.set("smsbox", "log-file", os.path.join(d, "smsbox.log"))
        if conf.get("smsbox", "access-log") is not None:
            conf.set("smsbox", "access-log",
                     os.path.join(d, "smsbox-access.log"))
        self.app_base = app_base
        self.secret = secret
        self.shipped_post_url = conf.get("sms-service", "post-url")
        self.shipped_get_url = conf.comment_value("sms-service", "get-url")
        self.use_get_url(get_url, write=False)

    def use_get_url(self, on=True, write=True):
        """Points the service at helplined by the shipped get-url (on) or
        post-url; restart() to apply."""
        conf = self.conf
        shipped = self.shipped_get_url if on else self.shipped_post_url
        if shipped is None or not shipped.startswith(SHIPPED_URL + "/"):
            raise ValueError("the shipped sms-service has no usable %s"
                             % ("get-url" if on else "post-url"))
        url = self.app_base + shipped[len(SHIPPED_URL):]
        if self.secret is not None:
            url = url.replace("?", "?key=%s&" % urllib.parse.quote(
                self.secret, safe=""), 1)
        conf.set("sms-service", "post-url", None if on else url)
        conf.set("sms-service", "get-url", url if on else None)
        self.url = url
        if write:
            self._write_conf()

    # --- processes --------------------------------------------------------

    def _spawn(self, name, args, **kw):
        err = open(os.path.join(self.dir, "%s.stderr" % name), "ab")
        proc = subprocess.Popen(self.prefix + args, stdout=err, stderr=err,
                                stdin=subprocess.DEVNULL, cwd=self.dir, **kw)
        err.close()
        self.procs[name] = proc
        return proc

    def status(self):
        """bearerbox's admin status.txt, or None."""
        try:
            with _OPENER.open(
                    "http://127.0.0.1:%d/status.txt?password=%s"
                    % (self.admin_port, urllib.parse.quote(self.password)),
                    timeout=2) as r:
                return r.read().decode("utf-8", "replace")
        except OSError:
            return None

    def _check_alive(self, names):
        for n in names:
            p = self.procs.get(n)
            if p is not None and p.poll() is not None:
                raise RuntimeError("%s exited with %d:\n%s" % (
                    n, p.returncode, self.tail(n)))

    def tail(self, name, n=30):
        try:
            with open(os.path.join(self.dir, "%s.stderr" % name),
                      encoding="utf-8", errors="replace") as f:
                return "".join(f.readlines()[-n:])
        except OSError:
            return ""

    def start(self, timeout=20, fakesmsc=True):
        """Starts the three processes and waits until the chain is up
        (without fakesmsc: a benchmark runs its own)."""
        self.starts += 1
        self._spawn("bearerbox", [BEARERBOX, "-v",
                                  str(self.log_level["bearerbox"]),
                                  self.conf_file])

        def admin_up():
            self._check_alive(["bearerbox"])
            return self.status() is not None
        _poll(admin_up, timeout, "bearerbox's admin port")
        self._spawn("smsbox", [SMSBOX, "-v", str(self.log_level["smsbox"]),
                               self.conf_file])

        def smsbox_up():
            self._check_alive(["bearerbox", "smsbox"])
            s = self.status() or ""
            return re.search(r"^\s+smsbox:", s, re.M) is not None
        _poll(smsbox_up, timeout, "smsbox to connect to bearerbox")
        if self.conf.get("smsbox", "sendsms-port") is not None:
            _poll(lambda: self._port_open(self.sendsms_port), timeout,
                  "smsbox's sendsms port")
        if not fakesmsc:
            return
        self._start_fakesmsc()

        def smsc_up():
            self._check_alive(["bearerbox", "smsbox", "fakesmsc"])
            s = self.status() or ""
            return re.search(r"^\s+FAKE\[.*\(online", s, re.M) is not None
        _poll(smsc_up, timeout, "fakesmsc to connect to bearerbox")

    @staticmethod
    def _port_open(port):
        try:
            socket.create_connection(("127.0.0.1", port), 0.5).close()
            return True
        except OSError:
            return False

    def _start_fakesmsc(self):
        with self._cond:
            self._lines = []
            self._read_pos = 0
            self._sent = 0
        log = open(os.path.join(self.dir, "fakesmsc.log"), "ab")
        proc = subprocess.Popen(
            self.prefix + [FAKESMSC, "-H", "127.0.0.1", "-r",
                           str(self.smsc_port), "-i", "0"],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE, cwd=self.dir)
        self.procs["fakesmsc"] = proc
        t = threading.Thread(target=self._reader, args=(proc, log),
                             daemon=True)
        t.start()

    def _reader(self, proc, log):
        for raw in proc.stderr:
            log.write(raw)
            log.flush()
            line = raw.decode("utf-8", "replace").rstrip("\n")
            with self._cond:
                self._lines.append(line)
                self._cond.notify_all()
        log.close()

    def stop(self, timeout=15):
        """Stops Kannel as an operator would (admin shutdown; smsbox goes
        with bearerbox), then fakesmsc; SIGKILL by PID after a deadline."""
        bb = self.procs.get("bearerbox")
        if bb is not None and bb.poll() is None:
            try:
                _OPENER.open(
                    "http://127.0.0.1:%d/shutdown?password=%s"
                    % (self.admin_port, urllib.parse.quote(self.password)),
                    timeout=2).read()
            except OSError:
                bb.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for name in ("bearerbox", "smsbox", "fakesmsc"):
            p = self.procs.get(name)
            if p is None:
                continue
            if name == "fakesmsc" and p.poll() is None:
                p.send_signal(signal.SIGINT)
            try:
                p.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
            if name == "fakesmsc" and p.stdin:
                try:
                    p.stdin.close()
                except OSError:
                    pass
        self.procs = {}

    def kill(self):
        """SIGKILL by PID (a crash, or cleanup after a failure)."""
        for p in self.procs.values():
            if p.poll() is None:
                p.kill()
            p.wait()
        self.procs = {}

    def restart(self, timeout=20):
        self.stop()
        self.start(timeout)

    def cleanup(self):
        self.kill()
        shutil.rmtree(self.dir, ignore_errors=True)

    # --- messages ---------------------------------------------------------

    def send(self, sender, text=None, kind="text", data=None, udh=None,
             receiver=None, timeout=10):
        """Sends one MO from a handset.  kind: text (payload as is), ucs2
        (text as UTF-16BE), data (bytes data as 8-bit), udh (bytes udh,
        then text)."""
        receiver = receiver or self.shortcode
        q = lambda b: urllib.parse.quote_from_bytes(b, safe="")
        if kind == "text":
            if "\n" in text:
                raise ValueError("fakesmsc takes one line per message")
            payload = "text " + text
        elif kind == "ucs2":
            payload = "ucs2 " + q(text.encode("utf-16-be"))
        elif kind == "data":
            payload = "data " + q(data)
        elif kind == "udh":
            payload = "udh %s %s" % (q(udh), q(text.encode()))
        else:
            raise ValueError(kind)
        proc = self.procs["fakesmsc"]
        with self._cond:
            want = self._sent + 1
            proc.stdin.write(("%s %s %s\n" % (sender, receiver, payload))
                             .encode("utf-8"))
            proc.stdin.flush()
            pat = re.compile(r"sent message %d\b" % want)
            if not self._cond.wait_for(
                    lambda: any(pat.search(ln) for ln in self._lines)
                    or proc.poll() is not None, timeout):
                raise TimeoutError("fakesmsc did not send message %d"
                                   % want)
            if proc.poll() is not None:
                raise RuntimeError("fakesmsc exited")
            self._sent = want

    _GOT = re.compile(r"Got message \d+: <(.*)$")
    _START = re.compile(r"(\S+) (\S+) (text|data|ucs-2|udh) ?(.*)$",
                        re.S)

    def _messages(self):
        """The replies fakesmsc has shown so far, as (from, to, kind,
        payload) with a text reply's continuation lines joined."""
        out = []
        for line in self._lines:
            m = self._GOT.search(line)
            if not m:
                continue
            body = m.group(1)
            if body.endswith(">"):
                body = body[:-1]
            s = self._START.match(body)
            if s and s.group(2) != self.shortcode and \
                    (s.group(1) == self.shortcode or s.group(3) != "text"):
                out.append(list(s.groups()))
            elif out and out[-1][2] == "text":
                out[-1][3] += "\n" + body
        return out

    @staticmethod
    def _unquote(payload):
        """fakesmsc's URL encoding: %XX, and "+" for a space."""
        return urllib.parse.unquote_to_bytes(payload.replace("+", " "))

    @classmethod
    def _decode(cls, kind, payload):
        """(text, udh bytes or None) of one shown message.  A part with a
        UDH shows as "udh <udh> data <payload>" whatever its coding, so its
        text is the payload's raw bytes (see _join)."""
        if kind == "text":
            return payload, None
        if kind == "data":
            return cls._unquote(payload).decode("utf-8", "replace"), None
        if kind == "ucs-2":
            return cls._unquote(payload).decode("utf-16-be"), None
        udh, _, rest = payload.partition(" ")
        sub, _, data = rest.partition(" ")
        if sub not in ("data", "ucs-2", "text"):
            data = rest
        return cls._unquote(data), cls._unquote(udh)

    def wait_reply(self, handset, lines=1, timeout=15):
        """Waits for the next reply to handset (after those already read)
        and returns it as a Reply.  lines: how many lines a text reply has
        (fakesmsc shows each line break as a new message); the parts of a
        concatenated reply are awaited and joined."""
        def ready():
            msgs = self._messages()
            for i in range(self._read_pos, len(msgs)):
                m = msgs[i]
                if m[1] != handset:
                    continue
                if m[2] == "udh":
                    return self._collect_parts(msgs, i, handset)
                if m[2] == "text" and m[3].count("\n") + 1 < lines:
                    return None
                return (i, [m])
            return None
        with self._cond:
            found = self._cond.wait_for(ready, timeout)
            if not found:
                raise TimeoutError("no reply to %s within %ss; fakesmsc:\n%s"
                                   % (handset, timeout,
                                      "\n".join(self._lines[-10:])))
            last, parts = found
            self._read_pos = last + 1
        return self._join(parts)

    def _collect_parts(self, msgs, first, handset):
        """(index of the last part, parts) once every part of the reply
        starting at msgs[first] is there, else None."""
        ref, total, _ = self._concat_info(self._decode("udh",
                                                       msgs[first][3])[1])
        parts = []
        for i in range(first, len(msgs)):
            m = msgs[i]
            if m[1] == handset and m[2] == "udh" and self._concat_info(
                    self._decode("udh", m[3])[1])[0] == ref:
                parts.append(m)
                if len(parts) == total:
                    return (i, parts)
        return None

    @staticmethod
    def _concat_info(udh):
        """(ref, total, seq) from a UDH with IEI 00 (8-bit reference)."""
        if len(udh) >= 6 and udh[1] == 0x00 and udh[2] == 0x03:
            return udh[3], udh[4], udh[5]
        if len(udh) >= 7 and udh[1] == 0x08 and udh[2] == 0x04:
            return (udh[3] << 8 | udh[4]), udh[5], udh[6]
        return None, 1, 1

    def _join(self, parts):
        """One Reply from a message or the parts of a concatenated one.
        fakesmsc does not say a part's coding: UCS-2 parts are told by
        their NUL bytes (GSM-7 text shows as UTF-8, which has none)."""
        first = parts[0]
        if first[2] != "udh":
            text, _ = self._decode(first[2], first[3])
            return Reply(first[0], first[1], first[2], text)
        chunks = []
        udhs = []
        for m in parts:
            payload, udh = self._decode("udh", m[3])
            udhs.append(udh)
            chunks.append((self._concat_info(udh)[2], payload))
        chunks.sort()
        raw = b"".join(c for _, c in chunks)
        ucs2 = b"\x00" in raw
        text = raw.decode("utf-16-be" if ucs2 else "utf-8", "replace")
        return Reply(first[0], first[1], "ucs-2" if ucs2 else "text", text,
                     len(parts), udhs)

    def reply(self, handset, text, lines=1, timeout=15, **kw):
        """Sends an MO and returns the reply text."""
        self.send(handset, text, **kw)
        return self.wait_reply(handset, lines, timeout).text

    # --- what Kannel left behind -------------------------------------------

    def files(self):
        """Every file Kannel wrote: logs, access logs, captured stderr (not
        fakesmsc's output: that is the handset's side)."""
        out = []
        for name in sorted(os.listdir(self.dir)):
            if name in ("fakesmsc.log", "kannel.conf"):
                continue
            path = os.path.join(self.dir, name)
            if os.path.isfile(path):
                out.append(path)
        return out
