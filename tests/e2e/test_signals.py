"""SIGHUP reloads atomically; SIGTERM under load loses no reply."""
import os
import re
import shutil
import signal
import threading

from helplinetest import (MENU_FILE, Daemon, check, finish, load_menu,
                          text_of, wait_for)

menu = load_menu()
start = menu["start"]
opt = menu["nodes"][start]["options"][0]
workdir_menu = os.path.join(os.environ.get("TMPDIR", "/tmp"),
                            "hl-e2e-menu-%d.yaml" % os.getpid())
shutil.copy(MENU_FILE, workdir_menu)
with open(MENU_FILE, encoding="utf-8") as f:
    original = f.read()

d = Daemon(menu=workdir_menu)
old_sender = "+31644444444"
r = d.reply(old_sender, "hi")
r = d.reply(old_sender, str(opt["key"]))
check(r.startswith(text_of(menu, opt["goto"], "nl")), "session under way")

# 1. A broken menu: the old tree keeps serving, the error names the place.
with open(workdir_menu, "w", encoding="utf-8") as f:
    f.write(original.replace("goto: %s" % opt["goto"],
                             "goto: no_such_node", 1))
d.signal(signal.SIGHUP)
wait_for(lambda: "reload failed" in d.log(), 10, "the reload to fail")
log = d.log()
check(re.search(r"hl-e2e-menu-\d+\.yaml:\d+:\d+: error", log)
      is not None, "reload error names file:line:column")
check("no_such_node" in log, "reload error names the bad goto")
r = d.reply("+31655555555", "hi")
check(r.startswith(text_of(menu, start, "nl")), "old tree still serves")
r = d.reply("+31655555555", str(opt["key"]))
check(r.startswith(text_of(menu, opt["goto"], "nl")),
      "old tree's links still work")

# 2. A new version: new sessions see it; a session under way finishes on
#    the version it started on.
new_text = "NIEUWE VERSIE. " + text_of(menu, start, "nl")
changed = original.replace(text_of(menu, start, "nl"), new_text, 1)
changed = re.sub(r'(?m)^version: .*$', 'version: "9999-01-01.1"', changed)
with open(workdir_menu, "w", encoding="utf-8") as f:
    f.write(changed)
d.signal(signal.SIGHUP)
wait_for(lambda: "version 9999-01-01.1 is live" in d.log(), 10,
         "the new version to go live")
r = d.reply("+31666666666", "hi")
check(r.startswith("NIEUWE VERSIE."), "new session sees the new version")
r = d.reply(old_sender, "00")
check(r.startswith(text_of(menu, start, "nl")) and
      not r.startswith("NIEUWE"), "old session finishes on its version")
os.unlink(workdir_menu)

# 3. SIGTERM under load: every accepted request gets its whole reply.
results = []
lock = threading.Lock()


def worker(n):
    for i in range(40):
        try:
            status, body = d.message("+3167%07d" % (n * 100 + i), "1")
            outcome = "ok" if status == 200 and body else "bad %d" % status
        except (ConnectionRefusedError, ConnectionResetError):
            outcome = "refused"     # not accepted: never in flight
        except Exception as e:      # a cut reply would land here
            outcome = "lost: %r" % e
        with lock:
            results.append(outcome)


threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
for t in threads:
    t.start()
wait_for(lambda: len(results) >= 40, 20, "load to build up")
d.signal(signal.SIGTERM)
for t in threads:
    t.join(30)
status = d.proc.wait(15)
d._close()
lost = [r for r in results if r not in ("ok", "refused")]
print("SIGTERM under load: %d answered, %d refused (not accepted), %d lost"
      % (results.count("ok"), results.count("refused"), len(lost)))
check(status == 0, "SIGTERM under load exits 0 (got %s)" % status)
if status != 0:
    print(d.log()[-3000:])
check(not lost, "no in-flight reply lost (%d of %d): %s"
      % (len(lost), len(results), lost[:3]))
check(results.count("ok") >= 40, "requests before SIGTERM answered")
finish()
