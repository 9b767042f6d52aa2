"""The JSON webhook end to end: walks, global words, bad input, retries."""
import json
import os
import socket
import sqlite3

from helplinetest import (Daemon, check, finish, load_menu, paths_to_nodes,
                          settled, text_of)

menu = load_menu()
paths = paths_to_nodes(menu)
d = Daemon()


def db_counts():
    return settled(db_counts_now)


def db_counts_now():
    db = sqlite3.connect("file:%s?mode=ro" % os.path.join(
        d.state, "helplined.db"), uri=True)
    try:
        sessions = db.execute("SELECT count(*) FROM sessions").fetchone()[0]
        counted = db.execute("SELECT coalesce(sum(n),0) FROM counters"
                             ).fetchone()[0]
        return sessions, counted
    finally:
        db.close()


# 1. Every node reachable by keys, in both languages, with back and home.
sender_no = 0
for lang in ("nl", "en"):
    for node, keys in sorted(paths.items()):
        sender_no += 1
        sender = "+316%08d" % (20000000 + sender_no)
        first = d.reply(sender, "hallo")
        check(first.startswith(text_of(menu, menu["start"], "nl")),
              "new session shows the start screen")
        r = first
        if lang == "en":
            r = d.reply(sender, "EN")
            check(r.startswith(text_of(menu, menu["start"], "en")),
                  "EN switches to English")
        for key in keys:
            r = d.reply(sender, key)
        check(r.startswith(text_of(menu, node, lang)),
              "%s (%s) reached by %s" % (node, lang, "-".join(keys)))
        if keys:
            parent_keys = keys[:-1]
            parent = menu["start"]
            for k in parent_keys:
                parent = [o for o in menu["nodes"][parent]["options"]
                          if str(o["key"]) == k][0]["goto"]
            r = d.reply(sender, "0")
            check(r.startswith(text_of(menu, parent, lang)),
                  "0 from %s goes back to %s" % (node, parent))
            r = d.reply(sender, "00")
            check(r.startswith(text_of(menu, menu["start"], lang)),
                  "00 from %s goes home" % node)
        r = d.reply(sender, "9")
        help_node = menu["globals"]["help"]["goto"]
        check(r.startswith(text_of(menu, help_node, lang)), "9 shows help")
        r = d.reply(sender, "STOP")
        check(r == menu["messages"]["forgotten"][lang],
              "STOP forgets (%s)" % lang)

contacts = [n for n, v in menu["nodes"].items() if v.get("contact")]
check(len(contacts) >= 5, "the menu has contact screens")
sessions, _ = db_counts()
check(sessions == 0, "every walk ended with STOP: no session left (%d)"
      % sessions)

# 2. Keywords, unknown input and invalid UTF-8 in a JSON-escaped form.
sender = "+31611111111"
d.reply(sender, "hi")
for word, node in menu.get("keywords", {}).get("nl", {}).items():
    # Words match case-insensitively (ASCII letters).
    r = d.reply(sender, "".join(c.upper() if c.isascii() else c
                                for c in word))
    check(r.startswith(text_of(menu, node, "nl")), "keyword " + word)
r = d.reply(sender, "zomaar iets")
check(r.startswith(menu["messages"]["invalid"]["nl"]),
      "unknown input gets the invalid message")
status, body = d.message(sender, "\ud800")  # lone surrogate: JSON refuses
check(status == 400, "a lone surrogate is a 400")

# The README's own command: curl -d sends application/x-www-form-urlencoded.
status, _, body = d.request(
    "POST", "/v1/message",
    b'{"from":"+31612345678","text":"1","channel":"sms"}',
    {"Content-Type": "application/x-www-form-urlencoded"})
check(status == 200 and json.loads(body)["reply"], "curl -d works (%d)"
      % status)
status, _, body = d.request(
    "POST", "/v1/message", b'{"from":"+31612345678","text":"1"}',
    {"Content-Type": "application/json; charset=utf-8"})
check(status == 200, "application/json with parameters accepted")

# 3. Retries with the same gateway id are answered once.
s1, b1 = d.message("+31622222222", "1", id="gw-abc-1")
s2, b2 = d.message("+31622222222", "1", id="gw-abc-1")
check(s1 == 200 and b1["reply"], "first delivery answered")
check(s2 == 200 and b2.get("duplicate") is True
      and b2["reply"] == b1["reply"],
      "retry recognised as duplicate and given the same reply")
# The retry did not move the session: the next message acts on the screen
# the first delivery showed (the start screen).
first_option = menu["nodes"][menu["start"]]["options"][0]
s3, b3 = d.message("+31622222222", first_option["key"], id="gw-abc-2")
check(s3 == 200 and "duplicate" not in b3
      and b3["reply"].startswith(text_of(menu, first_option["goto"], "nl")),
      "after a retry, the next message acts on the first reply's screen")

# 4. An unparseable sender is answered but never stored.
before = db_counts()[0]
r = d.reply("Twilio", "1")
check(r.startswith(text_of(menu, menu["start"], "nl")),
      "alphanumeric sender answered")
check(db_counts()[0] == before, "alphanumeric sender not stored")

# 5. 200 bad requests: each a clear error, nothing stored, daemon fine.
sessions_before, counted_before = db_counts()
big = b'{"from":"+31612345678","text":"' + b"x" * 70000 + b'"}'
bad = [
    ("POST", "/v1/message", b"{not json", {}, 400),
    ("POST", "/v1/message", b"[]", {}, 400),
    ("POST", "/v1/message", b'{"from":1,"text":"1"}', {}, 400),
    ("POST", "/v1/message", b'{"from":"+31612345678"}', {}, 400),
    ("POST", "/v1/message", b'{"from":"+31612345678","text":"1",'
     b'"channel":"fax"}', {}, 400),
    ("POST", "/v1/message", b'{"from":"+31612345678","text":"\xff\xfe"}',
     {}, 400),
    ("POST", "/v1/message", b'{"from":"+31612345678","text":"1",'
     b'"text":"2"}', {}, 400),
    ("POST", "/v1/message", b'{"from":"+31612345678","text":"' +
     b"y" * 2000 + b'"}', {}, 413),
    ("POST", "/v1/message", big, {}, 413),
    ("POST", "/v1/message", b'{"from":"+31612345678","text":"1"}',
     {"Content-Type": "text/plain"}, 415),
    ("POST", "/v1/message", b'{"from":"+31612345678","text":"1"}',
     {"Content-Type": "application/jsonx"}, 415),
    ("GET", "/v1/message", None, {}, 405),
    ("PUT", "/v1/message", b"{}", {}, 405),
    ("POST", "/nope", b"{}", {}, 404),
    ("POST", "/v1/message", b"", {}, 400),
    ("POST", "/v1/message", b'{"from":"+31612345678","text":"1\\u0000"}',
     {}, 400),
]
for i in range(200):
    method, path, body, headers, want = bad[i % len(bad)]
    status, hdrs, rbody = d.request(method, path, body, headers)
    ok = status == want
    if status != 404 or want != 404:
        try:
            ok = ok and "error" in json.loads(rbody)
        except ValueError:
            ok = ok and want == 413  # evhttp's own 413 page
    check(ok, "bad request %d: %s %s -> %d (want %d)"
          % (i, method, path, status, want))
    if want == 405:
        check(hdrs.get("Allow") == "POST", "405 names the allowed method")

# A request line of garbage and a connection that closes mid-body.
with socket.create_connection(("127.0.0.1", d.port), timeout=5) as s:
    s.sendall(b"\x00\x01garbage\r\n\r\n")
    s.recv(100)
with socket.create_connection(("127.0.0.1", d.port), timeout=5) as s:
    s.sendall(b"POST /v1/message HTTP/1.1\r\nHost: x\r\n"
              b"Content-Length: 100\r\n\r\n{\"from\"")
check(db_counts() == (sessions_before, counted_before),
      "rejected requests stored nothing")
r = d.reply("+31633333333", "1")
check(r.startswith(text_of(menu, menu["start"], "nl")),
      "still answering after 200 bad requests")

# 5b. A USSD dialogue (session ids) dropped mid-menu is offered to resume
# on the next dial; a dial from the start screen just starts.
resume = menu["messages"]["resume"]
start_opt = next(o for o in menu["nodes"][menu["start"]]["options"]
                 if menu["nodes"][o["goto"]].get("options"))
who = "+31688888888"
r = d.reply(who, "", channel="ussd", session="dlg-1")
check(r.startswith(text_of(menu, menu["start"], "nl")), "ussd dial: start")
r = d.reply(who, start_opt["key"], channel="ussd", session="dlg-1")
check(r.startswith(text_of(menu, start_opt["goto"], "nl")), "ussd: option")
s_, b_ = d.message(who, "", channel="ussd", session="dlg-2")
check(s_ == 200 and b_["reply"] == "%s\n1 %s\n2 %s" % (
    resume["nl"], menu["messages"]["resume_continue"]["nl"],
    menu["messages"]["resume_restart"]["nl"]) and b_["end"] is False,
    "redial after a drop: offered to continue (%r)" % b_)
r = d.reply(who, "1", channel="ussd", session="dlg-2")
check(r.startswith(text_of(menu, start_opt["goto"], "nl")),
      "continue: back where the caller was")
r = d.reply(who, "00", channel="ussd", session="dlg-2")
r = d.reply(who, "", channel="ussd", session="dlg-3")
check(r.startswith(text_of(menu, menu["start"], "nl")),
      "redial from the start screen: no offer")

# 6. A shared secret, when configured, is required.
d2 = Daemon(config="[adapter.json]\nsecret = s3cret-token\n")
st, _ = d2.message("+31612345678", "1")
check(st == 401, "missing secret refused")
st, _, _ = d2.request("POST", "/v1/message",
                      b'{"from":"+31612345678","text":"1"}',
                      {"Authorization": "Bearer s3cret-tokeX"})
check(st == 401, "wrong secret refused")
st, _, _ = d2.request("POST", "/v1/message",
                      b'{"from":"+31612345678","text":"1"}',
                      {"Authorization": "Bearer s3cret-token"})
check(st == 200, "right secret accepted")
check("s3cret" not in d2.log(), "the secret is never logged")
check(d2.stop() == 0, "second daemon stops cleanly")

check(d.stop() == 0, "SIGTERM exits 0")
check("stopped cleanly" in d.log(), "clean stop logged")
finish()
