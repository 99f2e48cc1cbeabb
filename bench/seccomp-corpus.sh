#!/usr/bin/env bash
# Seccomp from evidence: the workload corpus of tests/corpus and the system-call census, on one
# QEMU boot of the built image.
#
#   bench/seccomp-corpus.sh [--cold] [--default-only] [NAME...]
#                                             (default: every image of tests/corpus)
#
# 1. Builds every corpus image (tests/corpus/build.sh; cached in /var/cache/hull by digest:
#    --cold builds them again in an empty cache) and prints the build time.
# 2. Boots the image with the corpus on a read-only disk and runs
#    tests/qemu/seccomp-corpus/10-workloads.sh in it for every image: the workload under Hull's
#    default, recorded under the logging profile (hull-seccomp record), the recorded profile
#    within the default (diff --subset), the workload under its recorded profile, and a call it
#    never made refused with EPERM.
# 3. Runs hull-syscall-census (tests/probes) in a container under Docker's stock profile (the
#    Debian file below, copied into the guest), Hull's default and unconfined, with Hull's
#    default capabilities, SELinux label and no-new-privileges in all three.
# Writes bench/seccomp-corpus/: evidence.tsv (image, syscall: the calls each recorded profile
# allows, for the images that passed every check; with NAMEs, the other images' rows are kept),
# census-{docker,hull,unconfined}.txt (the census per profile), unrecorded.txt (calls Hull's
# default lets a container reach that no workload made) and summary.txt (what it prints).
# --default-only: step 2 only runs each workload under Hull's default (no recording), for a
# change that narrows the default; the census files and unrecorded.txt (from the evidence as
# it stands) are written, evidence.tsv is left alone, and summary.txt is not touched (the run
# prints to the terminal only). Exits non-zero when a workload failed.
set -euo pipefail
cd "$(dirname "$0")/.."
cold=0 mode=record
if [ "${1:-}" = --cold ]; then cold=1; shift; fi
if [ "${1:-}" = --default-only ]; then mode=default; shift; fi
case ${1:-} in -*) echo "usage: $0 [--cold] [--default-only] [NAME...]" >&2; exit 2 ;; esac
docker_json=/usr/share/gocode/src/github.com/docker/docker/profiles/seccomp/default.json
[ -r "$docker_json" ] || { echo "$docker_json is missing (apt install golang-github-docker-docker-dev)" >&2; exit 1; }
out=bench/seccomp-corpus
mkdir -p "$out" build
[ "$mode" = record ] && exec > >(tee "$out/summary.txt")

. bench/lib.sh
bench_vm_init --runs 1
./build.sh image >/dev/null
make -s -C tests/probes O="$TOP/build/probes" >/dev/null

cache=${HULL_CACHE:-/var/cache/hull}
[ "$cold" = 1 ] && cache=$(mktemp -d /var/tmp/hull-bench-corpus.XXXXXX)
t0=$(date +%s)
HULL_CACHE=$cache tests/corpus/build.sh build/corpus.tar "$@" | sed 's/^/    /'
echo "corpus build ($([ "$cold" = 1 ] && echo cold || echo as cached)): $(($(date +%s) - t0)) s"
t0=$(date +%s)
HULL_CACHE=$cache tests/corpus/build.sh build/corpus.tar "$@"
echo "corpus build (warm): $(($(date +%s) - t0)) s"
[ "$cold" = 1 ] && rm -rf "$cache"
tar -C build/probes -rf build/corpus.tar hull-syscall-census
echo "corpus disk: $(du -m --apparent-size build/corpus.tar | cut -f1) MiB, $(tar -tf build/corpus.tar | grep -c '\.tar$') images"

vm=build/vm/bench-corpus
rm -rf "$vm"; mkdir -p "$vm"; vm_config "$vm/fw_cfg.ign"
vm_disk "$vm/disk.qcow2"
vm_start "$vm" "$vm/disk.qcow2" \
        -drive file=build/corpus.tar,if=none,id=corpus,format=raw,readonly=on \
        -device virtio-blk-pci,drive=corpus,serial=hull-corpus
trap vm_stop EXIT
vm_wait_up 400 >/dev/null
export PATH=$TOP/tests/qemu:$PATH

# The census in an image of its own (the static probe alone), under the three profiles
guest 'd=$(mktemp -d) && tar -C "$d" --seek --occurrence=1 -xf /dev/disk/by-id/virtio-hull-corpus hull-syscall-census &&
        tar -C "$d" -c hull-syscall-census | docker import - hull-census >/dev/null; st=$?; rm -rf "$d"; exit $st'
guest-put "$docker_json" /var/tmp/docker-stock.json
for p in docker hull unconfined; do
        case $p in
        docker) opt="--security-opt seccomp=/var/tmp/docker-stock.json" ;;
        hull) opt="" ;;
        unconfined) opt="--security-opt seccomp=unconfined" ;;
        esac
        guest "docker run --rm --network none $opt hull-census /hull-syscall-census" >"$out/census-$p.txt"
done
echo "census, x86_64 numbers 0-511, Hull's default capabilities (reachable / EPERM / ENOSYS):"
for p in docker hull unconfined; do
        printf '    %-11s %s\n' "$p" "$(tail -n 1 "$out/census-$p.txt" | cut -d' ' -f2-)"
done

t0=$(date +%s)
set +e
{ echo "CORPUS_MODE=$mode"; cat tests/qemu/seccomp-corpus/10-workloads.sh; } |
        guest -t 7200 | tee "$vm/workloads.log"
st=${PIPESTATUS[1]}
set -e
echo "corpus run in the guest: $(($(date +%s) - t0)) s, exit $st"
if [ "$mode" = default ]; then
        echo "workloads passing under Hull's default: $(grep -c '^corpus .* default ok ' "$vm/workloads.log")"
else
: >"$out/evidence.tsv.tmp"
# Run for some images, the others' rows stay as an earlier run wrote them
if [ $# -gt 0 ] && [ -s "$out/evidence.tsv" ]; then
        tail -n +2 "$out/evidence.tsv" | awk -F'\t' -v run=" $* " 'index(run, " " $1 " ") == 0' >"$out/evidence.tsv.tmp"
fi
# the images that passed every check
for name in $(sed -n 's/^corpus \([^ ]*\) syscalls .*/\1/p' "$vm/workloads.log"); do
        guest "cat /var/tmp/hull-corpus/$name.json" >"$vm/$name.json"
        python3 - "$name" "$vm/$name.json" >>"$out/evidence.tsv.tmp" <<'PY'
import json, sys
name, doc = sys.argv[1], json.load(open(sys.argv[2]))
calls = set()
for rule in doc.get("syscalls", []):
    if rule.get("action") == "SCMP_ACT_ALLOW":
        calls.update(rule.get("names", []))
for c in sorted(calls):
    print(f"{name}\t{c}")
PY
done
sort -o "$out/evidence.tsv.tmp" "$out/evidence.tsv.tmp"
{ printf 'image\tsyscall\n'; cat "$out/evidence.tsv.tmp"; } >"$out/evidence.tsv"
rm -f "$out/evidence.tsv.tmp"
echo "recorded calls per image (names in the recorded profile's allow rules):"
cut -f1 "$out/evidence.tsv" | tail -n +2 | uniq -c | awk '{ printf "    %-12s %s\n", $2, $1 }'
echo "union of the recorded calls: $(tail -n +2 "$out/evidence.tsv" | cut -f2 | sort -u | wc -l)"
fi
# What Hull's default lets a container reach that no workload was seen to call: each of these
# needs a reason in packages/hull-seccomp/policy/hull-default.policy's header or a deny.
awk -F'\t' 'NR == FNR { if (FNR > 1) seen[$2] = 1; next } $3 == "reachable" && !($2 in seen) { print $2 }' \
        "$out/evidence.tsv" <(tr ' ' '\t' <"$out/census-hull.txt") >"$out/unrecorded.txt"
echo "reachable under Hull's default, recorded by no workload: $(wc -l <"$out/unrecorded.txt") (unrecorded.txt)"
# each of them must be kept with a reason; a call here is one the policy has not decided on
missing=$(awk 'NR == FNR { if ($1 == "keep") for (i = 2; i <= NF; i++) kept[$i] = 1; next } !($1 in kept)' \
        packages/hull-seccomp/policy/hull-default.policy "$out/unrecorded.txt" | tr '\n' ' ')
echo "of them without a keep line in the policy: ${missing:-none}"

[ "$mode" = record ] || exit "$st"
