# shellcheck shell=bash
# Hull's kernel configuration (image/kernel/hull.config merged onto defconfig and
# kvm_guest.config): every option of the fragment takes, nothing is left as a module, and
# Docker's own contrib/check-config.sh (from the docker.io package in the image) finds
# everything it calls "Generally Necessary". A fragment asking for an option that cannot take
# stops the build with a message naming the option.
. "$(dirname "$0")/lib.sh"
st=0
env HULL_BUILD="$scratch/build" ./build.sh kernel-config >"$scratch/log" 2>&1 || st=$?
cat "$scratch/log"
[ "$st" = 0 ] || { echo "FAIL: ./build.sh kernel-config failed"; exit 1; }
config=$scratch/build/kernel-config/.config
check=$HULL_BUILD/stages/tree/root/usr/share/docker.io/contrib/check-config.sh
[ -f "$check" ] || { echo "FAIL: $check missing (build the image first)"; exit 1; }
bash "$check" "$config" 2>&1 | sed 's/\x1b\[[0-9;]*m//g' >"$scratch/check"
sed -n '/^Generally Necessary:/,/^Optional Features:/p' "$scratch/check" | tee "$scratch/necessary"
[ "$(grep -c ': enabled' "$scratch/necessary")" -ge 20 ] || { echo "FAIL: check-config.sh checked too little"; exit 1; }
if grep -E ': missing|not enabled|: absent' "$scratch/necessary"; then
        echo "FAIL: Docker's check-config.sh finds necessary options missing"; exit 1
fi
for want in CONFIG_SECURITY_SELINUX=y CONFIG_DEFAULT_SECURITY_SELINUX=y CONFIG_LOCK_DOWN_KERNEL_FORCE_INTEGRITY=y \
        CONFIG_MODULE_SIG_FORCE=y CONFIG_BPF_JIT=y CONFIG_DM_VERITY=y CONFIG_EROFS_FS_ZIP=y CONFIG_EFI_STUB=y; do
        grep -qxF "$want" "$config" || { echo "FAIL: $want not in the merged configuration"; exit 1; }
done
for off in CONFIG_DEVMEM CONFIG_KEXEC CONFIG_HIBERNATION CONFIG_X86_X32_ABI CONFIG_MODIFY_LDT_SYSCALL CONFIG_SOUND CONFIG_DRM; do
        if grep -q "^$off=" "$config"; then echo "FAIL: $off is on"; exit 1; fi
done

# An option that cannot take (it does not exist) is named in one error.
cp image/kernel/hull.config "$scratch/bad.config"
echo "CONFIG_HULL_NO_SUCH_OPTION=y  # test" >>"$scratch/bad.config"
st=0
env HULL_BUILD="$scratch/build2" HULL_KERNEL_FRAGMENT="$scratch/bad.config" ./build.sh kernel-config \
        >"$scratch/log2" 2>&1 || st=$?
cat "$scratch/log2"
[ "$st" = 1 ] || { echo "FAIL: a fragment with an impossible option was accepted"; exit 1; }
grep -q "CONFIG_HULL_NO_SUCH_OPTION=y did not take" "$scratch/log2" || { echo "FAIL: the option is not named"; exit 1; }
echo "kernel configuration OK: $(grep -c '=y$' "$config") options built in, no modules"
