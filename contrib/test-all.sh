#!/bin/sh
# Installs what is needed, builds twice (plain, and with ASan+UBSan) and runs
# every test (unit and end-to-end) in both builds.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/contrib/deps.sh"
status=0
for variant in plain asan; do
	dir="$top/build-test-$variant"
	opts=""
	[ "$variant" = asan ] && opts="--enable-sanitizers"
	echo "== $variant build"
	# shellcheck disable=SC2086
	"$top/contrib/build.sh" "$dir" $opts
	echo "== $variant tests"
	if ! make -C "$dir" -j"$(nproc)" check >"$dir/check.out" 2>&1; then
		status=1
		cat "$dir/check.out"
		for log in "$dir"/tests/*/*.log; do
			grep -q '^FAIL\|^ERROR' "$log" 2>/dev/null &&
				{ echo "--- $log"; tail -n 60 "$log"; }
		done
	fi
	grep -E '^(# )?(TOTAL|PASS|FAIL|ERROR|SKIP|XFAIL|XPASS):' \
		"$dir/check.out" || true
done
# One closing line for CI: test programs over both builds.
sums=$(cat "$top"/build-test-*/check.out | awk '
	/^# PASS:/ { p += $3 } /^# (FAIL|ERROR|XPASS):/ { f += $3 }
	END { printf "%d %d", p, f }')
echo "${sums% *} passed, ${sums#* } failed"
exit $status
