#!/bin/sh
# Installs what helplined needs to build, run and test on Debian 12.
# Skips the package manager when everything is already there.
set -eu
PACKAGES="build-essential autoconf automake libtool pkg-config \
libevent-dev libsqlite3-dev libssl-dev libyaml-dev libcmocka-dev \
libphonenumber-dev libinih-dev libjansson-dev python3 python3-yaml \
sqlite3 curl wrk kannel kannel-extras"

missing=""
for p in $PACKAGES; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "installing:$missing"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
$SUDO apt-get update -qq
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing
