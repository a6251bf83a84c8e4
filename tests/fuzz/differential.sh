#!/usr/bin/env bash
# Differential check of the JSON and YAML readers against Go itself:
# encoding/json and go-yaml v2 (what kube-apiserver and kubectl run), via
# oracle/main.go. Every seed, plus a corpus grown by a short fuzz run, is
# fed to both; the outputs (sorted JSON, or the error message) must agree.
#   tests/fuzz/differential.sh [seconds of fuzzing per reader, default 10]
# Needs golang-go and golang-gopkg-yaml.v2-dev (apt-get install them first;
# they are not part of scripts/setup.sh, which only the build and tests need).
#
# Known divergences, filtered out and counted, not failed:
#  - both sides refuse the input but word it differently: libyaml 0.2.5 and
#    go-yaml's older port of it differ in some syntax messages and lines;
#  - YAML with a tag ('!'): go-yaml's scanner lets ',' continue a tag in
#    flow context ("[!!str a,b]"), libyaml ends the tag there;
#  - YAML lines over 1024 bytes: go-yaml caps simple keys at 1024 bytes in
#    flow context too, libyaml does not;
#  - invalid UTF-8 written by Go as the escape \ufffd, by cf_buf_add_json_str
#    as the raw character (same string once read back).
set -uo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-10}
dir=${FUZZ_BUILD_DIR:-build-fuzz}

if ! command -v go >/dev/null || [ ! -d /usr/share/gocode/src/gopkg.in/yaml.v2 ]; then
  echo "differential: needs golang-go and golang-gopkg-yaml.v2-dev" >&2
  exit 1
fi
[ -f "$dir/build.ninja" ] || tests/fuzz/run.sh >/dev/null || exit 1
ninja -C "$dir" tests/fuzz/oracle_c tests/fuzz/fuzz_json tests/fuzz/fuzz_yaml \
  >/dev/null || exit 1

scratch=$(mktemp -d "${TMPDIR:-/tmp}/cflux-diff.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/gopath/src/cforacle"
cp tests/fuzz/oracle/main.go "$scratch/gopath/src/cforacle/"
GO111MODULE=off GOPATH="$scratch/gopath:/usr/share/gocode" \
  GOCACHE="$scratch/gocache" go build -o "$scratch/oracle" cforacle || exit 1

export ASAN_OPTIONS=detect_leaks=0
failed=0
for kind in json yaml; do
  corpus=$scratch/corpus-$kind
  mkdir -p "$corpus"
  cp "tests/fuzz/seeds/$kind/." "$corpus/" -r
  "$dir/tests/fuzz/fuzz_$kind" -max_total_time="$secs" -max_len=4096 \
    -artifact_prefix="$scratch/" "$corpus" >/dev/null 2>&1
  same=0 known=0 diff=0
  for f in "$corpus"/*; do
    go_out=$(timeout 10 "$scratch/oracle" "$kind" <"$f" 2>&1 | head -c 100000)
    c_out=$(timeout 10 "$dir/tests/fuzz/oracle_c" "$kind" <"$f" 2>&1 | head -c 100000)
    if [ "$go_out" = "$c_out" ]; then
      same=$((same + 1)); continue
    fi
    go_norm=${go_out//\\ufffd/$'\xef\xbf\xbd'}
    if [ "$go_norm" = "$c_out" ] ||
       { [ "${go_out:0:4}" = "ERR " ] && [ "${c_out:0:4}" = "ERR " ]; } ||
       { [ $kind = yaml ] && { grep -q '!' "$f" || awk 'length > 1024 { x = 1 } END { exit !x }' "$f"; }; }; then
      known=$((known + 1)); continue
    fi
    diff=$((diff + 1))
    if ((diff <= 5)); then
      echo "differential: $kind input $(basename "$f") differs:" >&2
      head -c 300 "$f" | sed 's/^/  in: /' >&2; echo >&2
      echo "  go: ${go_out:0:300}" >&2
      echo "  c : ${c_out:0:300}" >&2
    fi
  done
  echo "differential: $kind: $same same, $known known divergences, $diff different"
  ((diff == 0)) || failed=1
done
exit $failed
