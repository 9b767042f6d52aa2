#!/bin/sh
# Replays the seed corpora through every fuzz target (see standalone.c);
# the menu target also takes every unit-test menu fixture and the shipped
# menu.  Run by `make check`.
set -eu
src=${HL_SRCDIR:-.}
bin=${HL_BUILDDIR:-.}/tests/fuzz
"$bin/fuzz_menu" "$src/tests/unit/menus" "$src/menus/default.yaml"
"$bin/fuzz_text" "$src/tests/fuzz/corpus/text"
"$bin/fuzz_phone" "$src/tests/fuzz/corpus/phone"
"$bin/fuzz_engine" "$src/tests/fuzz/corpus/engine"
"$bin/fuzz_smpp_codec" "$src/tests/fuzz/corpus/smpp_codec"
"$bin/fuzz_smpp_pdu" "$src/tests/fuzz/corpus/smpp_pdu"
echo "fuzz corpora: 6 passed, 0 failed"
