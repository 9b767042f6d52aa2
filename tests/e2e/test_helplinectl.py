"""helplinectl end to end against a running helplined: check, simulate,
publish with sessions open on both channels, a broken publish, rollback,
history, diff, a draft for test numbers, staging while the daemon is down,
stats after a scripted day, and the control socket's group permission."""
import json
import os
import re
import signal
import socket as socketlib
import sqlite3
import subprocess
import tempfile

from helplinetest import (BUILDDIR, MENU_FILE, Daemon, check, finish,
                          settled, wait_for)

HELPLINECTL = os.path.join(BUILDDIR, "helplinectl")
WORK = tempfile.mkdtemp(prefix="hl-ctl-")
TESTER = "+31612340001"
OTHER = "+31612340002"

with open(MENU_FILE, encoding="utf-8") as f:
    BASE = f.read()
V1_SIGNALS = "Signalen: let op combinaties."


def menu_file(name, version, signals_nl=V1_SIGNALS, extra=""):
    """Writes a variant of the shipped menu: another version and another
    Dutch text of the signals node."""
    text = re.sub(r'(?m)^version: .*$', 'version: "%s"' % version, BASE)
    text = text.replace('nl: "%s"' % V1_SIGNALS, 'nl: "%s"' % signals_nl)
    path = os.path.join(WORK, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text + extra)
    return path


V1 = menu_file("v1.yaml", "2026-11-23.1")
V2 = menu_file("v2.yaml", "2026-11-23.2", "Signalen (v2): let op.")
V3 = menu_file("v3.yaml", "2026-11-23.3-draft", "Signalen (concept).")
BROKEN = os.path.join(WORK, "broken.yaml")
with open(BROKEN, "w", encoding="utf-8") as f:
    f.write(BASE.replace("goto: signals_labour}", "goto: no_such_node}")
            .replace('version: "2026-11-23.1"', 'version: "broken-1"'))


def ctl(d, *args, stdin=None, lang="en", user=None):
    """Runs helplinectl against daemon d's config and state dir; returns
    (exit status, stdout, stderr)."""
    cmd = [HELPLINECTL, "--lang", lang, "-c", d.config_path,
           "-s", d.state] + list(args)
    if user is not None:
        cmd = ["setpriv"] + user + ["--"] + cmd
    p = subprocess.run(cmd, input=stdin, capture_output=True, text=True,
                       timeout=60)
    return p.returncode, p.stdout, p.stderr


CONFIG = """
[draft]
test_numbers = %s
[control]
group = daemon
[sessions]
expire_interval = 1
""" % TESTER


def start(workdir=None):
    d = Daemon(config=CONFIG, menu=V1, workdir=workdir)
    d.config_path = os.path.join(d.dir, "helplined.conf")
    return d


d = start()

# --- check ------------------------------------------------------------------
rc, out, err = ctl(d, "check", V1)
check(rc == 0, "check of a good file exits 0 (%d: %s)" % (rc, out + err))
rc, out, err = ctl(d, "check", BROKEN)
check(rc == 1, "check of a broken file exits 1")
check(re.search(r"broken\.yaml:\d+:\d+: error: node signals: .*no_such_node",
                out) is not None, "the finding names file:line:column, node "
      "and the unknown target: %r" % out)
rc, out, err = ctl(d, "check", "--format", "json", V1, BROKEN)
doc = json.loads(out)
check(rc == 1 and doc["accepted"] is False, "json: one broken file refuses")
check([f["accepted"] for f in doc["files"]] == [True, False],
      "json: per-file verdicts")
bad = [g for g in doc["files"][1]["findings"] if g["severity"] == "error"]
check(len(bad) == 1 and bad[0]["node"] == "signals" and bad[0]["line"] > 0
      and bad[0]["column"] > 0, "json finding has node, line and column")
rc, out, err = ctl(d, "check", BROKEN, lang="nl")
check(rc == 1 and ": fout: knooppunt signals:" in out,
      "Dutch findings say fout and knooppunt: %r" % out)
rc, out, err = ctl(d, "check")
check(rc == 2, "check without a file is a usage error (exit 2)")
rc, out, err = ctl(d, "check", "--help")
check(rc == 0 and "Exit status" in out, "check --help explains exit status")

# --- simulate: the engine's own answers, as the webhook gives them ----------
inputs = ["hallo", "1", "2", "0", "00", "EN", "4", "x", "9"]
rc, out, err = ctl(d, "simulate", "--format", "json", V1,
                   stdin="\n".join(inputs) + "\n")
sim = [json.loads(line) for line in out.splitlines()]
check(rc == 0 and len(sim) == len(inputs), "simulate answers every line")
webhook = [d.reply("+31612349999", t) for t in inputs]
check([s["reply"] for s in sim] == webhook,
      "simulate (sms) answers exactly as the running daemon")
rc, out, err = ctl(d, "simulate", "--channel", "ussd", "--format", "json",
                   stdin="1\n1\n1\n")
ussd_sim = [json.loads(line) for line in out.splitlines()]
ussd_hook = []
for t in ["1", "1", "1"]:
    st, body = d.message("+31612349998", t, channel="ussd", session="sim-1")
    ussd_hook.append((body["reply"], body.get("end", False)))
check([(s["reply"], s["end"]) for s in ussd_sim] == ussd_hook,
      "simulate (ussd) answers exactly as the daemon, end flags included")
rc, out, err = ctl(d, "simulate", stdin="hallo\n")
check(rc == 0 and "[sms: 1 part(s), GSM-7," in out,
      "simulate of the live tree shows what a reply costs: %r" % out)

# --- publish with sessions open on both channels -----------------------------
SMS_OPEN, USSD_OPEN = "+31612341001", "+31612341002"
check(d.reply(SMS_OPEN, "hallo").startswith("Eerste"), "SMS session open")
st, body = d.message(USSD_OPEN, "", channel="ussd", session="mid-1")
check(st == 200 and not body.get("end"), "USSD session open at home")
rc, out, err = ctl(d, "publish", "-m", "signals reworded", V2)
check(rc == 0 and "2026-11-23.2 is live" in out, "publish: %r %r" %
      (out, err))
ms = float(re.search(r"took ([\d.]+) ms", out).group(1))
check(ms < 200, "the switch took %.1f ms" % ms)
check(d.reply(SMS_OPEN, "1").startswith(V1_SIGNALS),
      "the open SMS session finishes on v1")
st, body = d.message(USSD_OPEN, "1", channel="ussd", session="mid-1")
check(body["reply"].startswith(V1_SIGNALS), "the open USSD session "
      "finishes on v1")
check(d.reply("+31612341003", "hallo") and
      d.reply("+31612341003", "1").startswith("Signalen (v2)"),
      "a new session starts on v2")
rc, out, err = ctl(d, "status", "--format", "json")
trees = {t["version"]: t for t in json.loads(out)["trees"]}
check(trees["2026-11-23.2"]["live"] and "2026-11-23.1" in trees,
      "status: v2 live, v1 kept for its open sessions")

# A SIGHUP (systemctl reload) with the old file must not undo the publish.
d.signal(signal.SIGHUP)
wait_for(lambda: "was used before" in d.log(), 10, "the reload to pass")
check(d.reply("+31612341008", "hallo") and
      d.reply("+31612341008", "1").startswith("Signalen (v2)"),
      "SIGHUP with the old file keeps the published v2 live")

# A second daemon on the same state directory stops before touching it.
before = ctl(d, "history", "--format", "json")[1]
second = subprocess.run([os.path.join(BUILDDIR, "helplined"), "-s", d.state,
                         "-p", "0", "--admin-port", "0", "--menu", V3],
                        capture_output=True, text=True, timeout=30)
check(second.returncode == 1 and "another helplined uses this state "
      "directory" in second.stderr, "a second daemon is refused: %r"
      % second.stderr[-300:])
check(ctl(d, "history", "--format", "json")[1] == before,
      "the refused second daemon wrote nothing to the history")

# A socket that does not answer while the daemon runs is no reason to stage.
other_cfg = os.path.join(WORK, "other.conf")
with open(other_cfg, "w") as f:
    f.write("[control]\nsocket = %s/nowhere.sock\n" % WORK)
p = subprocess.run([HELPLINECTL, "--lang", "en", "-c", other_cfg, "-s",
                    d.state, "publish", "-m", "x", V3], capture_output=True,
                   text=True, timeout=60)
check(p.returncode == 2 and "is running" in p.stderr, "no staging behind a "
      "running daemon's back: %r" % p.stderr)
check(ctl(d, "history", "--format", "json")[1] == before,
      "nothing was staged")

# The control transport: bad requests answered, connections bounded.


def raw(line):
    c = socketlib.socket(socketlib.AF_UNIX, socketlib.SOCK_STREAM)
    c.connect(os.path.join(d.state, "control.sock"))
    c.sendall(line)
    data = b""
    while not data.endswith(b"\n"):
        chunk = c.recv(65536)
        if not chunk:
            break
        data += chunk
    c.close()
    return json.loads(data) if data else None


check(raw(b"not json\n")["error"] == "bad_request", "a line that is not "
      "JSON is refused")
check(raw(b'{"cmd": "format-disk"}\n')["error"] == "bad_request",
      "an unknown command is refused")
check(raw(b'{"cmd": "publish", "yaml": 5}\n')["error"] == "bad_request",
      "a publish without YAML text is refused")
idle = []
for _ in range(16):
    c = socketlib.socket(socketlib.AF_UNIX, socketlib.SOCK_STREAM)
    c.connect(os.path.join(d.state, "control.sock"))
    idle.append(c)
extra = socketlib.socket(socketlib.AF_UNIX, socketlib.SOCK_STREAM)
extra.connect(os.path.join(d.state, "control.sock"))
extra.settimeout(5)
check(extra.recv(16) == b"", "a 17th open connection is closed at once")
extra.close()
for c in idle:
    c.close()
wait_for(lambda: ctl(d, "status")[0] == 0, 10, "the socket to serve again")

# --- a broken publish changes nothing ---------------------------------------
before = ctl(d, "history", "--format", "json")[1]
rc, out, err = ctl(d, "publish", "-m", "oops", BROKEN)
check(rc == 1 and "nothing changed" in err, "broken publish refused")
check(ctl(d, "history", "--format", "json")[1] == before,
      "broken publish leaves the history as it was")
check(d.reply("+31612341004", "hallo") and
      d.reply("+31612341004", "1").startswith("Signalen (v2)"),
      "still serving v2 after a broken publish")
rc, out, err = ctl(d, "publish", "-m", "same again", V2)
check(rc == 1 and "already live" in err, "publishing the live version is "
      "refused")
same_version = menu_file("v2b.yaml", "2026-11-23.2", "Anders.")
rc, out, err = ctl(d, "publish", "-m", "sneaky", same_version)
check(rc == 1, "another text under a kept version is refused")

# --- history, diff, rollback --------------------------------------------------
rc, out, err = ctl(d, "history")
lines = out.splitlines()
check(rc == 0 and len(lines) == 2 and "publish" in lines[0] and
      "signals reworded" in lines[0] and "start" in lines[1],
      "history lists publish then start: %r" % out)
rc, out, err = ctl(d, "diff", "2026-11-23.1", "2026-11-23.2")
check(rc == 0 and "signals" in out and "Signalen (v2)" in out,
      "diff names the node and the new text: %r" % out)
rc, out, err = ctl(d, "rollback", "-m", "back to v1")
check(rc == 0 and "2026-11-23.1 is live again" in out, "rollback: %r %r"
      % (out, err))
check(d.reply("+31612341005", "hallo") and
      d.reply("+31612341005", "1").startswith(V1_SIGNALS),
      "after rollback new sessions get v1")
rc, out, err = ctl(d, "rollback", "no-such-version")
check(rc == 1 and "no published version" in err, "rollback to an unknown "
      "version is refused")

# --- a draft only test numbers see -------------------------------------------
rc, out, err = ctl(d, "draft", V3)
check(rc == 0 and "2026-11-23.3-draft is the draft" in out and
      "1 test numbers" in out, "draft set: %r %r" % (out, err))
check(d.reply(TESTER, "hallo") and
      d.reply(TESTER, "1").startswith("Signalen (concept)"),
      "the test number sees the draft")
check(d.reply(OTHER, "hallo") and
      d.reply(OTHER, "1").startswith(V1_SIGNALS),
      "another number sees the live tree")
same_draft = menu_file("v3b.yaml", "2026-11-23.3-draft", "Anders.")
rc, out, err = ctl(d, "draft", same_draft)
check(rc == 1 and "own `version:`" in err, "a second draft under the "
      "draft's version is refused: %r" % err)
rc, out, err = ctl(d, "draft", BROKEN)
check(rc == 1, "a broken draft is refused")
d.reply(TESTER, "STOP")
check(d.reply(TESTER, "hallo") and
      d.reply(TESTER, "1").startswith("Signalen (concept)"),
      "after refused drafts the test number still sees the first draft")
other_content = menu_file("v3c.yaml", "2026-11-23.3-draft", "Anders nog.")
rc, out, err = ctl(d, "publish", "-m", "not the draft", other_content)
check(rc == 1 and "other content" in err, "publishing other content under "
      "the draft's version is refused: %r" % err)
rc, out, err = ctl(d, "publish", "-m", "draft approved", V3)
check(rc == 0, "publishing the draft's file makes it live: %r" % err)
check(d.reply("+31612341006", "hallo") and
      d.reply("+31612341006", "1").startswith("Signalen (concept)"),
      "the published draft serves everyone")

# An earlier draft still serving a test session keeps its version.
V5 = menu_file("v5.yaml", "2026-11-23.5-draft", "Signalen (concept 2).")
check(ctl(d, "draft", V5)[0] == 0, "second draft set")
d.reply(TESTER, "STOP")
check(d.reply(TESTER, "hallo") and
      d.reply(TESTER, "1").startswith("Signalen (concept 2)"),
      "the test number is on the second draft")
check(ctl(d, "draft", "--clear")[0] == 0, "draft cleared")
V5B = menu_file("v5b.yaml", "2026-11-23.5-draft", "Signalen (ander).")
rc, out, err = ctl(d, "publish", "-m", "reuse", V5B)
check(rc == 1 and "earlier draft" in err, "a version an earlier draft "
      "still holds is refused: %r" % err)
d.reply(TESTER, "0")
check(d.reply(TESTER, "1").startswith("Signalen (concept 2)"),
      "the test session finishes on the cleared draft")

# --- the control socket refuses a user outside its group ---------------------
if os.geteuid() == 0:
    os.chmod(d.dir, 0o755)
    nobody = ["--reuid=nobody", "--regid=nogroup", "--clear-groups"]
    rc, out, err = ctl(d, "status", user=nobody)
    check(rc == 2 and "permission denied" in err,
          "a user outside the group is refused: %d %r" % (rc, err))
    member = ["--reuid=nobody", "--regid=nogroup", "--groups=daemon"]
    rc, out, err = ctl(d, "status", user=member)
    check(rc == 0 and "live" in out, "a member of the group gets in: %r"
          % err)
    mode = os.stat(os.path.join(d.state, "control.sock")).st_mode & 0o777
    check(mode == 0o660, "socket mode 0660 (%o)" % mode)
    db_mode = os.stat(os.path.join(d.state, "helplined.db")).st_mode & 0o777
    check(db_mode == 0o600, "the database stays 0600 (%o)" % db_mode)
else:
    print("SKIP: the group test needs root (setpriv)")

# No test number in any file the daemon wrote.
check(d.stop() == 0, "daemon stops cleanly")
digits = TESTER[1:]
for root, _, files in os.walk(d.dir):
    for name in files:
        if name == "helplined.conf":
            continue	# the operator's own file, where the numbers are set
        with open(os.path.join(root, name), "rb") as f:
            data = f.read()
        check(digits.encode() not in data and
              digits[2:].encode() not in data,
              "no test number in %s" % name)

# --- staging while the daemon is down ----------------------------------------
rc, out, err = ctl(d, "draft", V1)
check(rc == 1 and "published before" in err, "a draft under a published "
      "version is refused while the daemon is down: %r" % err)
V4 = menu_file("v4.yaml", "2026-11-23.4", "Signalen (klaargezet).")
rc, out, err = ctl(d, "publish", "-m", "while down", V4)
check(rc == 0 and "staged" in out and "next start" in out,
      "publish with the daemon down stages and says so: %r" % out)
os.unlink(d.port_file)	# else the new daemon's port reads as the old one
d2 = start(workdir=d.dir)
check(d2.reply("+31612341007", "hallo") and
      d2.reply("+31612341007", "1").startswith("Signalen (klaargezet)"),
      "the staged version is live after the start")
rc, out, err = ctl(d2, "history")
check(out.splitlines()[0].split()[3:5] == ["publish", "2026-11-23.4"],
      "history records the staged version going live: %r" % out)
check(d2.stop() == 0, "second daemon stops cleanly")

# --- stats after a scripted day ----------------------------------------------
DAY_CONFIG = """
[sessions]
sms_idle = 10
ussd_idle = 10
expire_interval = 1
"""
d3 = Daemon(config=DAY_CONFIG, menu=V1)
d3.config_path = os.path.join(d3.dir, "helplined.conf")
n = [0]


def sender():
    n[0] += 1
    return "+3161235%04d" % n[0]


for _ in range(12):             # home -> contacts -> Veilig Thuis
    s = sender()
    for t in ("hallo", "4", "1"):
        d3.reply(s, t)
for _ in range(10):             # in English: signals, then a wrong key
    s = sender()
    for t in ("EN", "1", "x"):
        d3.reply(s, t)
for i in range(11):             # USSD: home -> contacts
    s = sender()
    for t in ("", "4"):
        st, body = d3.message(s, t, channel="ussd", session="day-%d" % i)
        check(st == 200, "ussd step answered")
for _ in range(3):              # forget-me right away
    s = sender()
    for t in ("hallo", "STOP"):
        d3.reply(s, t)
for _ in range(4):              # a small group: home -> approach
    s = sender()
    for t in ("hallo", "2"):
        d3.reply(s, t)


def dropoffs():
    db = sqlite3.connect("file:%s?mode=ro" % os.path.join(
        d3.state, "helplined.db"), uri=True)
    try:
        return db.execute("SELECT coalesce(sum(n), 0) FROM counters WHERE"
                          " kind = 'dropoff'").fetchone()[0]
    finally:
        db.close()


wait_for(lambda: dropoffs() == 12 + 10 + 11 + 4, 30, "every session to "
         "time out")
settled(dropoffs)
today = __import__("datetime").datetime.utcnow().strftime("%Y-%m-%d")
rc, out, err = ctl(d3, "stats", "--since", today, "--until", today,
                   "--format", "json")
check(rc == 0, "stats runs with the daemon up: %r" % err)
st = json.loads(out)
total = st["sessions"]["total"]
check(total["started"] == 40, "sessions started: %r" % total)
check(total["channels"] == {"sms": 29, "ussd": 11}, "channel split: %r"
      % total["channels"])
check(total["languages"] == {"nl": 30, "en": 10}, "language split: %r"
      % total["languages"])
check(st["sessions"]["periods"][0]["period"] == today and
      st["sessions"]["periods"][0]["started"] == 40, "one row for today")
expected = {
    "home": {"views": 40, "dropoff": 0, "invalid": 0},
    "contacts": {"views": 23, "dropoff": 11, "invalid": 0},
    "contact_veilig_thuis": {"views": 12, "dropoff": 12, "invalid": 0},
    "signals": {"views": 10, "dropoff": 10, "invalid": 10},
    "approach": {"views": 4, "dropoff": 4, "invalid": 0},
}
nodes = {x["node"]: x for x in st["screens"]["nodes"]}
for node, want in expected.items():
    for k, v in want.items():
        got = nodes[node][k]
        if 1 <= v < 10:
            check(got is None, "%s %s=%d is hidden" % (node, k, v))
        else:
            check(got in (v, None), "%s %s: %r (want %d or hidden)"
                  % (node, k, got, v))
check(nodes["home"]["views"] == 40 and nodes["contacts"]["views"] == 23,
      "large cells are shown")
shown = [x[k] for x in st["screens"]["nodes"]
         for k in ("views", "dropoff", "invalid") if x[k] is not None]
check(all(v == 0 or v >= 10 for v in shown), "no shown cell below 10")
for k in ("views", "dropoff"):
    col = [x[k] for x in st["screens"]["nodes"]]
    tot = st["screens"]["total"][k]
    hidden = [v for v in col if v is None]
    check(tot is None or len(hidden) != 1, "the %s total does not pin one "
          "hidden cell" % k)
    if tot is not None and hidden:
        check(tot - sum(v for v in col if v is not None) >= 10,
              "the hidden %s remainder is at least 10" % k)
contacts = {x["node"]: x["views"] for x in st["contacts"]["nodes"]}
check(contacts["contact_veilig_thuis"] == 12 and
      st["contacts"]["total"]["views"] == 12, "contacts viewed: %r"
      % st["contacts"])
check("forget" not in out, "forget-me counts are not in the report")
rc, table, err = ctl(d3, "stats", "--since", today, "--until", today)
check(rc == 0 and "<10" in table, "the table marks hidden cells <10")
rc, nl_table, err = ctl(d3, "stats", "--since", today, "--until", today,
                        lang="nl")
check(rc == 0 and nl_table != table, "stats speaks Dutch too")
rc, csv, err = ctl(d3, "stats", "--since", today, "--until", today,
                   "--format", "csv", "--by", "month")
check(rc == 0 and ("sessions," + today[:7] + ",40,") in csv,
      "csv by month: %r" % csv)
rc, out, err = ctl(d3, "stats", "--since", "2026-02-30")
check(rc == 2 and "--since" in err, "a bad date names the option: %r" % err)
check(d3.stop() == 0, "day daemon stops cleanly")
rc, out2, err = ctl(d3, "stats", "--since", today, "--until", today,
                    "--format", "json")
check(rc == 0 and json.loads(out2) == st, "stats works with the daemon "
      "stopped and reads the same figures")

finish()
