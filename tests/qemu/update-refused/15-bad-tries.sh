# The administrator's /etc/kernel/tries (how many boots a new slot gets) is read before anything
# is written: content that is not a number from 1 to 99 refuses the good payload with one line
# naming the file, and the disk's partition table, ESP and the other slot's UKI stay as they were.
set -u
bad=0
mkdir -p /etc/kernel
esp() { cd /efi/EFI/Linux && for f in *; do echo "$f $(sha256sum <"$f" | cut -c1-16)"; done; }
disk=/dev/$(lsblk -no PKNAME /dev/disk/by-partlabel/esp)
esp0=$(esp) pt0=$(sfdisk -d "$disk")
for content in three 0 100 '3 4' ''; do
        printf '%s\n' "$content" >/etc/kernel/tries
        out=$(hull-update apply /run/hull-payload/good 2>&1); st=$?
        echo "tries '$content': exit $st: $out"
        [ "$st" = 1 ] || { echo "FAIL: exit status $st, want 1"; bad=1; }
        [ "$(echo "$out" | grep -c .)" = 1 ] || { echo "FAIL: not one line of output"; bad=1; }
        case $out in
        "hull-update: /etc/kernel/tries: not a number of boot tries from 1 to 99"*) ;;
        *) echo "FAIL: the message does not name the file and the problem"; bad=1 ;;
        esac
        [ "$(esp)" = "$esp0" ] || { echo "FAIL: the ESP changed"; bad=1; }
        [ "$(sfdisk -d "$disk")" = "$pt0" ] || { echo "FAIL: the partition table changed"; bad=1; }
done
rm -f /etc/kernel/tries
exit "$bad"
