"""bench/http-twilio-gen.py TOKEN PUBLIC_URL N OUT - writes N signed Twilio
webhook requests for bench/http-twilio.lua, one per line as
"<X-Twilio-Signature>\t<form body>".

Each request is what Twilio posts for an inbound SMS (all its parameters,
every one signed), from one of 5,000 senders, with the JSON benchmark's mix
of inputs and its own MessageSid.  N should be well above the core's
de-duplication memory (4,096 ids) so that wrk, which cycles through the
list, never makes a request look like a retry.
"""
import base64
import hashlib
import hmac
import random
import sys
import urllib.parse

INPUTS = ["1", "2", "3", "4", "5", "0", "00", "9", "1", "2",
          "huisarts", "EN", "NL", "zomaar iets", "99"]


def sign(token, url, params):
    data = url.encode()
    for name, value in sorted((n.encode(), v.encode()) for n, v in params):
        data += name + value
    return base64.b64encode(hmac.new(token.encode(), data,
                                     hashlib.sha1).digest()).decode()


def main():
    token, url, n, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), \
        sys.argv[4]
    rnd = random.Random(42)
    with open(out, "w") as f:
        for i in range(n):
            sid = "SM%032x" % rnd.getrandbits(128)
            params = [
                ("ToCountry", "NL"), ("ToState", ""),
                ("SmsMessageSid", sid), ("NumMedia", "0"), ("ToCity", ""),
                ("FromZip", ""), ("SmsSid", sid), ("FromState", ""),
                ("SmsStatus", "received"), ("FromCity", ""),
                ("Body", rnd.choice(INPUTS)), ("FromCountry", "NL"),
                ("To", "+3197010250000"), ("ToZip", ""),
                ("NumSegments", "1"), ("MessageSid", sid),
                ("AccountSid", "AC0123456789abcdef0123456789abcdef"),
                ("From", "+3161%07d" % rnd.randrange(5000)),
                ("ApiVersion", "2010-04-01")]
            f.write("%s\t%s\n" % (sign(token, url, params),
                                  urllib.parse.urlencode(params)))


main()
