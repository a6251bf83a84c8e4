#!/bin/sh
# Run one golden kustomize case: build it with `cflux kustomize build` and
# byte-compare with what `kubectl kustomize` printed (expected.yaml), or,
# for an error case (expected-exit), check the exit status is non-zero and
# that stderr holds the text in expected-stderr.
#
# usage: run-kustomize.sh CFLUX CASEDIR
# CASEDIR/cmd (optional) holds the arguments after "kustomize build",
# relative to CASEDIR; the default is "input".
set -u
cflux=$1
case_dir=$2
# The case runs from its own directory: make the binary path absolute.
case $cflux in /*) ;; *) cflux=$(pwd)/$cflux ;; esac
args=input
[ -f "$case_dir/cmd" ] && args=$(cat "$case_dir/cmd")
out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT

# shellcheck disable=SC2086 # args is a word list on purpose
(cd "$case_dir" && "$cflux" kustomize build $args) >"$out" 2>"$err"
rc=$?

if [ -f "$case_dir/expected-exit" ]; then
	if [ "$rc" -eq 0 ]; then
		echo "FAIL: expected a non-zero exit, got 0"
		exit 1
	fi
	if [ -s "$out" ]; then
		echo "FAIL: an error case printed output"
		exit 1
	fi
	if [ -f "$case_dir/expected-stderr" ]; then
		want=$(cat "$case_dir/expected-stderr")
		if ! grep -qF -- "$want" "$err"; then
			echo "FAIL: stderr lacks: $want"
			cat "$err"
			exit 1
		fi
	fi
	exit 0
fi
if [ "$rc" -ne 0 ]; then
	echo "FAIL: exit $rc"
	cat "$err"
	exit 1
fi
if ! cmp -s "$out" "$case_dir/expected.yaml"; then
	echo "FAIL: output differs from kubectl kustomize"
	diff -u "$case_dir/expected.yaml" "$out" | head -60
	exit 1
fi
exit 0
