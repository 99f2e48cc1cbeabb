# shellcheck shell=bash
# A reference policy module removed from the keep list while the image still ships what it
# labels (hostname: /usr/bin/hostname) stops the build, naming the files that would lose their
# labels.
. "$(dirname "$0")/lib.sh"
grep -v '^hostname ' image/selinux/refpolicy.keep >"$scratch/refpolicy.keep"
! grep -q '^hostname ' "$scratch/refpolicy.keep" || { echo "could not drop hostname from the keep list"; exit 1; }
expect_failure "refpolicy.keep: files of the image lost their labels" \
        HULL_SELINUX_KEEP="$scratch/refpolicy.keep" || exit 1
grep -q '/usr/bin/hostname is labelled bin_t' "$scratch/stderr" ||
        { echo "/usr/bin/hostname is not named among the files that lost their labels"; exit 1; }
