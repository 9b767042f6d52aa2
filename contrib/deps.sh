#!/bin/sh
# Installs what helplined needs to build, run and test on Debian 12.
# Skips the package manager when everything is already there.
set -eu
PACKAGES="build-essential autoconf automake libtool pkg-config \
libevent-dev libsqlite3-dev libssl-dev libyaml-dev libcmocka-dev \
libphonenumber-dev libinih-dev libjansson-dev python3 python3-yaml \
python3-prometheus-client \
sqlite3 curl wrk kannel kannel-extras libsmpp34-dev"

# The SMPP tests' SMSC is the npm smpp package's server: Node.js and npm
# from Debian unless the machine already has them.
command -v npm >/dev/null 2>&1 || PACKAGES="$PACKAGES nodejs npm"

missing=""
for p in $PACKAGES; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "installing:$missing"
	SUDO=""
	[ "$(id -u)" -eq 0 ] || SUDO=sudo
	$SUDO apt-get update -qq
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing
fi
# The simulator's one dependency, at the version package-lock.json pins.
smsc=$(cd "$(dirname "$0")/../tests/e2e/smsc" && pwd)
[ -d "$smsc/node_modules/smpp" ] ||
	npm ci --prefix "$smsc" --no-audit --no-fund --silent
