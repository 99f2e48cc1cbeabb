#!/usr/bin/env bash
# Which system calls the C libraries and Go's runtime make themselves, read from their machine
# code: the second source of evidence for Hull's seccomp default, beside the workload corpus
# (bench/seccomp-corpus.sh). A call that no corpus workload made and that no runtime below
# issues is made only by programs that call it by number, or by a runtime's fallback for
# kernels older than the one Hull ships.
#
#   bench/libc-syscalls.sh
#
# Runtimes: glibc 2.36 (bookworm, the corpus's libc), glibc 2.31 (bullseye, the oldest glibc
# of a supported Debian), musl 1.2.3 (Alpine's libc) and Go (Debian's golang-go, the corpus's
# static server). The packages come from Debian's archive into build/libc-syscalls.
#
# Method: objdump's disassembly, read by a straight-line constant tracker per function. At
# each `syscall` instruction the number is rax's value; at each call of a syscall wrapper
# (C's syscall() and musl's __syscall_cp: number in rdi; Go's syscall.Syscall* and the
# runtime's wrappers: in rax) that register's. A number not loaded as a constant in the same
# function counts as unknown ("?" lines of each .nums file). "y" is proof that the runtime can
# make the call; "-" is strong evidence that it does not, checked against the runtime's
# source for every call the policy denies on it.
#
# Prints, for every call in bench/seccomp-corpus/unrecorded.txt (reachable under Hull's
# default, made by no corpus workload), which runtimes issue it, and writes the table to
# bench/seccomp-corpus/runtimes.tsv.
set -euo pipefail
cd "$(dirname "$0")/.."
w=build/libc-syscalls
mkdir -p "$w"
# shellcheck source=tests/qemu/qemu.sh
. tests/qemu/qemu.sh # debian_download
for t in objdump:binutils gawk:gawk go:golang-go; do
        command -v "${t%%:*}" >/dev/null || { echo "${t%%:*} is missing (apt install ${t#*:})" >&2; exit 1; }
done

# The packages, from Debian's archive: bookworm's through the host's apt, bullseye's through a
# list of its own (the host's apt configuration is not touched).
fetch() { # SUITE PACKAGE DIR
        local d=$w/$3
        [ -d "$d" ] && return 0
        (cd "$w" && rm -f "$2"_*.deb &&
                if [ "$1" = bullseye ]; then
                        debian_download bullseye . "$2:amd64" >/dev/null
                else
                        apt-get -qq download "$2:amd64"
                fi 2>/dev/null && dpkg-deb -x "$2"_*.deb "$3.tmp" && mv "$3.tmp" "$3")
}
fetch bookworm libc6 glibc-2.36
fetch bullseye libc6 glibc-2.31
fetch bookworm musl musl-1.2.3
CGO_ENABLED=0 GOFLAGS=-mod=mod go build -o "$w/go-server" tests/corpus/go-static/server.go

awk '/^#define __NR_/ { sub(/^__NR_/, "", $2); print $3, $2 }' /usr/include/x86_64-linux-gnu/asm/unistd_64.h >"$w/numbers"

runtimes=(glibc-2.36 glibc-2.31 musl-1.2.3 go)
# The runtime's machine code: every shared object of the glibc package (libc, the dynamic
# loader, and 2.31's libpthread and librt, where its timer, message-queue and AIO calls live),
# musl's libc.so (its loader too), the Go binary.
binaries() {
        case $1 in
        go) echo "$w/go-server" ;;
        musl*) find "$w/$1" -path '*x86_64-linux-musl/libc.so' ;;
        *) find "$w/$1" -path '*/gconv' -prune -o -type f -name '*.so*' -print | sort ;;
        esac
}
for r in "${runtimes[@]}"; do
        mapfile -t b < <(binaries "$r")
        [ "${#b[@]}" -gt 0 ] || { echo "$r: no binaries in $w/$r" >&2; exit 1; }
        objdump -d --no-show-raw-insn "${b[@]}" | gawk '
function reg(r) {
        sub(/^%/, "", r)
        if (r ~ /^r[0-9]+[dwb]?$/) { sub(/[dwb]$/, "", r); return r }
        if (r ~ /^e..$/) return "r" substr(r, 2)
        if (r ~ /^[a-d][lh]$/) return "r" substr(r, 1, 1) "x"
        return r
}
function val(r) { return (r in c) ? c[r] : "?" }
/^[0-9a-f]+ <.*>:$/ { delete c; next }
/\t/ {
        split($0, f, "\t"); ins = f[2]; gsub(/ +/, " ", ins)
        op = ins; sub(/ .*/, "", op); args = ins; sub(/^[^ ]+ ?/, "", args); sub(/ *#.*/, "", args)
        if (op == "syscall") { print val("rax"); delete c["rax"]; next }
        if (op == "call") {
                if (args ~ /<(syscall|__syscall_cp|__syscall_cp_c|__syscall_cp_asm)(@plt)?>$/) print val("rdi")
                else if (args ~ /<(syscall\.(Raw)?Syscall6?|syscall\.rawVforkSyscall|syscall\.rawSyscallNoError|runtime\/internal\/syscall\.Syscall6|golang\.org\/x\/sys\/unix\.(Raw)?Syscall6?)(\.abi0)?>$/) print val("rax")
                delete c; next
        }
        n = split(args, a, ",")
        if (n == 0 || a[n] !~ /^%[a-z0-9]+$/) next
        d = reg(a[n])
        if (op ~ /^mov[lq]?$/ && a[1] ~ /^\$0x[0-9a-f]+$/) { c[d] = strtonum(substr(a[1], 2)); next }
        if (op ~ /^mov[lq]?$/ && a[1] ~ /^%[a-z0-9]+$/) { if (reg(a[1]) in c) c[d] = c[reg(a[1])]; else delete c[d]; next }
        if (op == "xor" && a[1] == a[2]) { c[d] = 0; next }
        if (op ~ /^(cmp|test|push|j)/) next
        delete c[d]
}' | sort | uniq -c >"$w/$r.nums"
        awk 'NR == FNR { name[$1] = $2; next } $2 != "?" && ($2 in name) { print name[$2] }' \
                "$w/numbers" "$w/$r.nums" | sort -u >"$w/$r.names"
        printf '%-11s %3d calls, %4d call sites with a number that is not a constant, in %d files\n' "$r" \
                "$(wc -l <"$w/$r.names")" "$(awk '$2 == "?" { print $1 }' "$w/$r.nums")" "${#b[@]}"
done

tsv=bench/seccomp-corpus/runtimes.tsv
{
        printf 'syscall'; printf '\t%s' "${runtimes[@]}"; echo
        while read -r s; do
                printf '%s' "$s"
                for r in "${runtimes[@]}"; do
                        if grep -qx "$s" "$w/$r.names"; then printf '\ty'; else printf '\t-'; fi
                done
                echo
        done <bench/seccomp-corpus/unrecorded.txt
} >"$tsv"
column -t "$tsv"
echo "made by none of them: $(awk -F'\t' 'NR > 1 && $0 !~ /\ty/ { printf "%s ", $1 }' "$tsv")"
echo "made by at least one: $(grep -c $'\ty' "$tsv") of $(($(wc -l <"$tsv") - 1))"
