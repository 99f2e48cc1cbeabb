# The firmware has Secure Boot on, in user mode, with keys enrolled; the kernel saw it; lockdown
# is integrity. Read from the firmware's own variables and the kernel, not from Hull's files.
set -eu
gv=8be4df61-93ca-11d2-aa0d-00e098032b8c
# efivarfs: 4 bytes of attributes, then the value.
var() { od -An -tu1 -j4 "/sys/firmware/efi/efivars/$1-$gv" | tr -d ' \n'; }
echo "SecureBoot=$(var SecureBoot) SetupMode=$(var SetupMode)"
[ "$(var SecureBoot)" = 1 ] || { echo "the firmware reports Secure Boot off"; exit 1; }
[ "$(var SetupMode)" = 0 ] || { echo "the firmware is still in setup mode: no PK enrolled"; exit 1; }
for v in PK KEK; do
        [ -s "/sys/firmware/efi/efivars/$v-$gv" ] || { echo "no $v variable"; exit 1; }
done
bootctl status --no-pager 2>/dev/null | tee /tmp/bootctl | sed -n '/^System:/,/^$/p'
grep -Eq 'Secure Boot: enabled( \(user\))?$' /tmp/bootctl || { echo "bootctl does not report Secure Boot enabled"; exit 1; }
dmesg | grep -i 'secure boot' | tee /tmp/dmesg-sb
grep -q 'Secure boot enabled' /tmp/dmesg-sb || { echo "the kernel did not see Secure Boot enabled"; exit 1; }
cat /sys/kernel/security/lockdown
grep -q '\[integrity\]' /sys/kernel/security/lockdown || { echo "lockdown is not integrity"; exit 1; }
