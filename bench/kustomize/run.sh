#!/usr/bin/env bash
# kustomize build speed: cflux beside `kubectl kustomize` on the synthetic
# overlay tree of /work/shared/bench/kustomize-tree.sh (N Deployments,
# Services and ConfigMaps in a base; an overlay with namePrefix,
# commonLabels, commonAnnotations, images, a configMapGenerator and 50
# strategic-merge patches), at N=500 and N=1000, in the same run.
#
# usage: bench/kustomize/run.sh [CFLUX] [RUNS]
#   CFLUX  the cflux binary (default: build/cflux, then build-kustomize/cflux)
#   RUNS   cflux runs per size (median reported; default 9); kubectl runs
#          once per size (it takes seconds to tens of seconds)
# Prints a Markdown table and writes it into docs/benchmarks.md under the
# "## kustomize build" heading (other headings are kept).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cflux=${1:-}
runs=${2:-9}
if [ -z "$cflux" ]; then
	for c in "$root/build/cflux" "$root/build-kustomize/cflux"; do
		[ -x "$c" ] && { cflux=$c; break; }
	done
fi
[ -x "${cflux:-}" ] || { echo "run.sh: no cflux binary; build it first" >&2; exit 2; }
gen=${KUSTOMIZE_TREE:-/work/shared/bench/kustomize-tree.sh}
[ -x /usr/bin/time ] || { echo "run.sh: /usr/bin/time missing (Debian package 'time')" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# measure CMD...: prints "wall_seconds max_rss_kib" of one run. Wall time
# is taken with millisecond precision (bash's EPOCHREALTIME); /usr/bin/time
# reports only hundredths, too coarse for cflux.
measure() {
	local t0 t1
	t0=$EPOCHREALTIME
	/usr/bin/time -f '%M' -o "$work/time" "$@" >"$work/out" 2>/dev/null
	t1=$EPOCHREALTIME
	awk -v a="$t0" -v b="$t1" -v m="$(cat "$work/time")" \
	    'BEGIN { printf "%.3f %d\n", b - a, m }'
}

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

rows=()
declare -A cf_wall cf_rss kc_wall kc_rss
for n in 500 1000; do
	tree="$work/tree-$n"
	bash "$gen" "$n" "$tree" >/dev/null

	read -r kw kr < <(measure kubectl kustomize "$tree/overlay")
	cp "$work/out" "$work/kubectl-$n.yaml"
	walls=() rsss=()
	for ((i = 0; i < runs; i++)); do
		read -r w r < <(measure "$cflux" kustomize build "$tree/overlay")
		walls+=("$w") rsss+=("$r")
	done
	cp "$work/out" "$work/cflux-$n.yaml"
	cw=$(printf '%s\n' "${walls[@]}" | median)
	cr=$(printf '%s\n' "${rsss[@]}" | median)
	same=identical
	cmp -s "$work/kubectl-$n.yaml" "$work/cflux-$n.yaml" || same=DIFFERENT
	objs=$(grep -c '^kind:' "$work/cflux-$n.yaml" || true)
	cf_wall[$n]=$cw cf_rss[$n]=$cr kc_wall[$n]=$kw kc_rss[$n]=$kr
	speed=$(awk -v k="$kw" -v c="$cw" 'BEGIN { printf "%.0f", (c > 0 ? k / c : 0) }')
	mem=$(awk -v k="$kr" -v c="$cr" 'BEGIN { printf "%.1f", (c > 0 ? k / c : 0) }')
	rows+=("| $n | $objs | $kw s | $(( kr / 1024 )) MiB | $cw s | $(( cr / 1024 )) MiB | ${speed}x | ${mem}x | $same |")
done
scale=$(awk -v a="${cf_wall[500]}" -v b="${cf_wall[1000]}" 'BEGIN { printf "%.2f", (a > 0 ? b / a : 0) }')
kscale=$(awk -v a="${kc_wall[500]}" -v b="${kc_wall[1000]}" 'BEGIN { printf "%.2f", (a > 0 ? b / a : 0) }')

table=$(
	echo "Measured $(date -u +%Y-%m-%d) on $(nproc) cores (shared machine), kubectl $(kubectl version --client 2>/dev/null | sed -n 's/^Client Version: //p') (kustomize v5.5.0) against \`cflux kustomize build\`;"
	echo "tree from \`kustomize-tree.sh N\` (50 patches); kubectl once per size, cflux median of $runs runs; wall time to the millisecond, peak RSS from \`/usr/bin/time\`."
	echo
	echo "| N | objects | kubectl wall | kubectl RSS | cflux wall | cflux RSS | speed-up | RSS ratio | output |"
	echo "|---|---|---|---|---|---|---|---|---|"
	printf '%s\n' "${rows[@]}"
	echo
	echo "Scaling N=500 -> N=1000: cflux ${scale}x, kubectl ${kscale}x (linear would be 2x)."
	echo "Run again with \`bench/kustomize/run.sh\`."
)
echo "$table"

# Replace (or append) the "## kustomize build" section of docs/benchmarks.md.
doc="$root/docs/benchmarks.md"
mkdir -p "$root/docs"
[ -f "$doc" ] || printf '# Benchmarks\n' >"$doc"
python3 - "$doc" "$table" <<'PY'
import sys
path, table = sys.argv[1], sys.argv[2]
text = open(path).read()
head = "## kustomize build"
section = head + "\n\n" + table.strip() + "\n"
lines = text.split("\n")
out, skip, done = [], False, False
for line in lines:
    if line.strip() == head:
        out.append(section.rstrip("\n"))
        skip, done = True, True
        continue
    if skip and line.startswith("## "):
        skip = False
        out.append("")
    if not skip:
        out.append(line)
if not done:
    out += ["", section.rstrip("\n")]
open(path, "w").write("\n".join(out).rstrip("\n") + "\n")
PY
