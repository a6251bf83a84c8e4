#!/bin/sh
# Regenerate the oracle files of golden kustomize cases with the real
# `kubectl kustomize` (kustomize v5.5.0 in kubectl v1.32).
#
# usage: tests/golden/regen-kustomize.sh [CASE...]   (default: every case)
# Writes CASE/expected.yaml for cases that build, and for cases that fail
# CASE/expected-exit plus CASE/expected-error.txt (kubectl's message with
# the case path replaced by CASE, for reference; the runner only checks
# the exit status and CASE/expected-stderr, which is written by hand).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/kustomize"
[ $# -gt 0 ] || set -- */
for c in "$@"; do
	c=${c%/}
	args=input
	[ -f "$c/cmd" ] && args=$(cat "$c/cmd")
	abs=$(cd "$c" && pwd)
	# shellcheck disable=SC2086
	if (cd "$c" && kubectl kustomize $args) >"$c/expected.yaml.new" 2>"$c/stderr.tmp"; then
		mv "$c/expected.yaml.new" "$c/expected.yaml"
		rm -f "$c/expected-exit" "$c/expected-error.txt"
	else
		rm -f "$c/expected.yaml.new" "$c/expected.yaml"
		echo 1 >"$c/expected-exit"
		sed "s|$abs|CASE|g" "$c/stderr.tmp" >"$c/expected-error.txt"
	fi
	rm -f "$c/stderr.tmp"
	echo "regenerated $c"
done
