"""helplinetest - start the real helplined on loopback and talk to it.

Each daemon gets its own temporary state dir and free ports (port 0, read
back from --port-file, and the same for the admin endpoint with
--admin-port-file), is polled for readiness with a deadline (never a bare
sleep), is killed by a watchdog if it hangs, and is stopped by its PID.

The per-sender rate limit is off unless a test asks for it (ratelimit=True):
functional tests replay dozens of moves from one number within a second,
which is exactly what the limit is there to stop.  test_admin.py and
test_canary.py run with it on.
"""
import http.client
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time

SRCDIR = os.environ.get("HL_SRCDIR", os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", "..")))
BUILDDIR = os.environ.get("HL_BUILDDIR", os.getcwd())
HELPLINED = os.path.join(BUILDDIR, "helplined")
MENU_FILE = os.path.join(SRCDIR, "menus", "default.yaml")

_failures = []
_passes = 0


def check(cond, what):
    """Records one assertion; the test exits non-zero if any failed."""
    global _passes
    if cond:
        _passes += 1
    else:
        _failures.append(what)
        print("FAIL: " + what, flush=True)


def finish():
    """Prints the summary line and exits with the verdict."""
    print("%d passed, %d failed" % (_passes, len(_failures)), flush=True)
    sys.exit(1 if _failures else 0)


def wait_for(pred, timeout=10.0, what="condition"):
    """Polls pred() until it is true or the deadline passes."""
    deadline = time.monotonic() + timeout
    delay = 0.005
    while time.monotonic() < deadline:
        value = pred()
        if value:
            return value
        time.sleep(delay)
        delay = min(delay * 2, 0.1)
    raise TimeoutError("timed out waiting for " + what)


def settled(read, what="the store to settle"):
    """Reads until two reads 400 ms apart agree: the daemon commits a batch
    up to [store] batch_ms (250 ms) after it answers, so a read right after
    a reply may come just before that commit."""
    last = [read()]

    def same():
        time.sleep(0.4)
        now = read()
        ok = now == last[0]
        last[0] = now
        return ok
    wait_for(same, 5, what)
    return last[0]


def load_menu(path=MENU_FILE):
    import yaml
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


class Daemon:
    """One helplined process with its own state dir and port."""

    def __init__(self, binary=HELPLINED, config=None, menu=None,
                 console=False, extra=(), workdir=None, watchdog=120,
                 ratelimit=False, admin=True):
        self.dir = workdir or tempfile.mkdtemp(prefix="hl-e2e-")
        self.state = os.path.join(self.dir, "state")
        self.port_file = os.path.join(self.dir, "port")
        self.admin_port_file = os.path.join(self.dir, "admin-port")
        self.admin_port = None
        self.stderr_path = os.path.join(self.dir, "stderr.log")
        self.stdout_path = os.path.join(self.dir, "stdout.log")
        args = [binary, "--state-dir", self.state, "--port", "0",
                "--port-file", self.port_file] + list(extra)
        if admin:
            args += ["--admin-port", "0", "--admin-port-file",
                     self.admin_port_file]
        else:
            self.admin_port_file = None
        if not ratelimit:
            # Appended: a later key wins, and a test's own [ratelimit]
            # section is then the one in force only with ratelimit=True.
            config = (config or "") + "\n[ratelimit]\nenabled = no\n"
        if config is not None:
            cfg = os.path.join(self.dir, "helplined.conf")
            with open(cfg, "w") as f:
                f.write(config)
            args += ["--config", cfg]
        if menu is not None:
            args += ["--menu", menu]
        if console:
            args.append("--console")
        self.tmp = os.path.join(self.dir, "tmp")
        os.makedirs(self.tmp, exist_ok=True)
        env = dict(os.environ, TMPDIR=self.tmp, HOME=self.dir)
        self.stderr = open(self.stderr_path, "wb")
        self.stdout = open(self.stdout_path, "wb")
        self.proc = subprocess.Popen(
            args, stdin=subprocess.PIPE if console else subprocess.DEVNULL,
            stdout=self.stdout, stderr=self.stderr, cwd=self.dir, env=env)
        self.port = None
        self._watchdog = threading.Timer(watchdog, self._kill_hung)
        self._watchdog.daemon = True
        self._watchdog.start()
        try:
            wait_for(self._ready, 15, "helplined to listen")
        except TimeoutError:
            self.kill()
            raise RuntimeError("helplined did not start:\n" + self.log())

    def _kill_hung(self):
        if self.proc.poll() is None:
            print("watchdog: helplined hung; killing it", flush=True)
            self.proc.kill()

    def _ready(self):
        if self.proc.poll() is not None:
            raise RuntimeError("helplined exited with %d:\n%s"
                               % (self.proc.returncode, self.log()))
        try:
            with open(self.port_file) as f:
                self.port = int(f.read())
            if self.admin_port_file is not None:
                with open(self.admin_port_file) as f:
                    self.admin_port = int(f.read())
            return True
        except (OSError, ValueError):
            return False

    def log(self):
        if not self.stderr.closed:
            self.stderr.flush()
        with open(self.stderr_path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def output(self):
        with open(self.stdout_path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def request(self, method, path, body=None, headers=None, timeout=10):
        """Sends one request; returns (status, headers dict, body bytes)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port,
                                          timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            return resp.status, dict(resp.getheaders()), resp.read()
        finally:
            conn.close()

    def admin(self, method, path, timeout=10):
        """One request to the admin endpoint; (status, headers, body)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.admin_port,
                                          timeout=timeout)
        try:
            conn.request(method, path)
            resp = conn.getresponse()
            return resp.status, dict(resp.getheaders()), resp.read()
        finally:
            conn.close()

    def metrics(self):
        """Scrapes /metrics; returns {(name, ((label, value), ...)): value}
        as prometheus_client's own parser reads it."""
        from prometheus_client.parser import text_string_to_metric_families
        status, _, body = self.admin("GET", "/metrics")
        if status != 200:
            raise AssertionError("/metrics: HTTP %d" % status)
        out = {}
        for family in text_string_to_metric_families(body.decode()):
            for sample in family.samples:
                out[(sample.name, tuple(sorted(sample.labels.items())))] = \
                    sample.value
        return out

    def message(self, sender, text, channel="sms", **extra):
        """Sends one JSON webhook message; returns (status, parsed body)."""
        payload = dict({"from": sender, "text": text, "channel": channel},
                       **extra)
        status, _, body = self.request(
            "POST", "/v1/message", json.dumps(payload).encode(),
            {"Content-Type": "application/json"})
        return status, json.loads(body) if body else None

    def reply(self, sender, text, **extra):
        status, body = self.message(sender, text, **extra)
        if status != 200:
            raise AssertionError("HTTP %d: %r" % (status, body))
        return body["reply"]

    def signal(self, sig):
        self.proc.send_signal(sig)

    def stop(self, timeout=15):
        """SIGTERM, then wait; returns the exit status."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        finally:
            self._close()

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self._close()

    def _close(self):
        self._watchdog.cancel()
        for f in (self.stderr, self.stdout):
            if not f.closed:
                f.close()


def text_of(menu, node_id, lang):
    return menu["nodes"][node_id]["text"][lang]


def paths_to_nodes(menu):
    """Breadth-first: the shortest key sequence from start to every node."""
    start = menu["start"]
    paths = {start: []}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for opt in menu["nodes"][node].get("options", []) or []:
            target = opt.get("goto")
            if target and target not in paths:
                paths[target] = paths[node] + [str(opt["key"])]
                queue.append(target)
    return paths
