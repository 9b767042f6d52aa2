"""The console adapter: a newcomer's conversation on stdin/stdout."""
from helplinetest import Daemon, check, finish, load_menu, text_of, wait_for

menu = load_menu()
start = menu["start"]
first_option = menu["nodes"][start]["options"][0]
help_node = menu["globals"]["help"]["goto"]
role_word, role_node = sorted(menu["keywords"]["nl"].items())[0]

d = Daemon(console=True)
lines = ["hallo", str(first_option["key"]), "0", "00", "9", "EN", role_word,
         "this is no option", "STOP", ""]
d.proc.stdin.write(("\n".join(lines)).encode())
d.proc.stdin.close()     # end of input: the console asks the daemon to stop
status = d.proc.wait(30)
d._close()
check(status == 0, "console exits 0 at end of input (got %s)" % status)

replies = [r for r in d.output().split("\n\n") if r.strip()]
check(len(replies) == len(lines) - 1,
      "one reply per line (%d for %d)" % (len(replies), len(lines) - 1))
expect = [
    text_of(menu, start, "nl"),
    text_of(menu, first_option["goto"], "nl"),
    text_of(menu, start, "nl"),
    text_of(menu, start, "nl"),
    text_of(menu, help_node, "nl"),
    text_of(menu, help_node, "en"),   # EN switches language, same screen
    text_of(menu, role_node, "en"),
    menu["messages"]["invalid"]["en"],
    menu["messages"]["forgotten"]["en"],
]
for i, (got, want) in enumerate(zip(replies, expect)):
    check(got.strip().startswith(want.strip()),
          "reply %d starts with %r, got %r" % (i, want[:40], got[:60]))
log = d.log()
check("end of input" in log and "stopped cleanly" in log,
      "console end of input logged and clean stop")

# stdin redirected from a regular file (epoll cannot watch one).
import os
import subprocess
import tempfile
work = tempfile.mkdtemp(prefix="hl-e2e-file-")
script = os.path.join(work, "input.txt")
with open(script, "w") as f:
    f.write("hallo\n%s\n" % first_option["key"])
with open(script) as f:
    out = subprocess.run(
        [d.proc.args[0], "--console", "--state-dir", os.path.join(work, "s"),
         "--port", "0"], stdin=f, capture_output=True, timeout=30)
check(out.returncode == 0, "console from a file exits 0 (%d): %s"
      % (out.returncode, out.stderr.decode()[-300:]))
replies = [r for r in out.stdout.decode().split("\n\n") if r.strip()]
check(len(replies) == 2 and
      replies[1].startswith(text_of(menu, first_option["goto"], "nl")),
      "console from a file answers each line")
finish()
