# Reboot: 0.1.1 boots, fails its health check, reboots, three times; then its entry has no tries
# left, sorts last, and 0.1.0 boots again by itself.
set -u
guest -t 10 'sync; systemctl reboot -ff' >/dev/null 2>&1 || true
sleep 20
end=$(($(date +%s) + 1500))
while [ "$(date +%s)" -lt "$end" ]; do
        out=$(guest -t 10 '. /etc/os-release; echo "$IMAGE_VERSION $(ls /efi/EFI/Linux | tr "\n" " ")"' 2>/dev/null) || { sleep 5; continue; }
        echo "$(date +%T) $out"
        case $out in
        "0.1.0 "*hull_0.1.1+0-3.efi*)
                guest -t 300 'systemctl is-system-running --wait; hull-update status' || true
                exit 0 ;;
        esac
        sleep 10
done
echo "0.1.0 did not come back with 0.1.1's tries used up"
exit 1
