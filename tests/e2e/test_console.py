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
finish()
