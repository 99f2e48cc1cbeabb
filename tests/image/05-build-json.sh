# shellcheck shell=bash
# build.json, what scripts read to find the build: every file it names is there, under out/
# (the link to the current build, not a folder of an earlier one that publishing removed), and
# is the file of that name in out/.
set -u
cd "$HULL_TOP" || exit 1
j=$OUT/build.json
jq . "$j" || { echo "$j: not JSON"; exit 1; }
fail=0 n=0
out=$(realpath -m -s --relative-to="$HULL_TOP" "$OUT")
while IFS=$'\t' read -r k v; do
        n=$((n + 1))
        case $v in "$out"/*) ;; *) echo "$k: $v is not under $out/"; fail=1; continue ;; esac
        [ -e "$v" ] || { echo "$k: $v does not exist"; fail=1; continue; }
        [ "$v" -ef "$OUT/${v#"$out"/}" ] || { echo "$k: $v is not $OUT/${v#"$out"/}"; fail=1; }
done < <(jq -r 'to_entries[] | select(.key | test("^(disk_|usr_|uki$|manifest$|cmdline$|payload$|secureboot_db_certificate$)")) | "\(.key)\t\(.value)"' "$j")
[ "$n" -ge 9 ] || { echo "only $n paths in $j"; fail=1; }
[ "$(jq -r .usrhash "$j")" = "$(cat "$OUT/usrhash")" ] || { echo "usrhash differs from $OUT/usrhash"; fail=1; }
echo "$n paths checked"
exit $fail
