# SELinux in the image: Debian's reference policy (selinux-policy-default) plus the container
# and docker modules built from selinux-policy-src, Hull's local module and the module for
# Hull's own services (image/selinux/), installed into the tree's policy store offline; then
# every file of the tree labelled. Sourced by build.sh. Three stages (image/stages.sh):
# selinux-policy compiles the modules; selinux-store installs them into the policy store of
# Debian's rootfs and prunes it (both cached: neither reads the tree, so a change to a service
# or an overlay does not rebuild the policy); selinux takes the tree stage's root with that
# store and labels every file, with the state partition's skeleton (what the usr stage's
# split_state keeps: /etc and /var are still in the root here).
# shellcheck shell=bash

SELINUX_SRC=/usr/src/selinux-policy-src.tar.zst
SELINUX_DEVEL=/usr/share/selinux/devel/Makefile
SELINUX_TYPE=default
# Built from the policy sources (Debian's binary policy lacks them), then Hull's own.
SELINUX_UPSTREAM_MODULES="container docker"
SELINUX_HULL_MODULES="hull_local hull"

# Where a path of the tree is labelled as another: the factory /etc (the overlay's lower layer)
# and the overlay's upper and work directories hold /etc's files, so they carry /etc's labels.
# A relabel of the running system (restorecon -R /var) keeps them that way.
SELINUX_EQUIVALENCES="/usr/share/factory/etc /etc
/var/lib/hull/etc/upper /etc
/var/lib/hull/etc/work /etc"

# selinux_modules: the policy packages (OUT/<module>.pp).
selinux_modules() {
        local work m e
        work=$HULL_BUILD/work/selinux
        rm -rf "$work"
        mkdir -p "$work/src"
        tar -C "$work/src" --zstd -xf "$SELINUX_SRC" ||
                die "$SELINUX_SRC: cannot unpack the policy sources"
        for m in $SELINUX_UPSTREAM_MODULES; do
                # .te and .fc only: the devel headers already carry the modules' interfaces.
                for e in te fc; do
                        cp "$work/src/selinux-policy-src/policy/modules/services/$m.$e" "$work/" ||
                                die "$SELINUX_SRC: no policy/modules/services/$m.$e"
                done
        done
        cp image/selinux/*.te image/selinux/*.fc image/selinux/*.if "$work/"
        make -C "$work" -f "$SELINUX_DEVEL" NAME="$SELINUX_TYPE" \
                $(for m in $SELINUX_UPSTREAM_MODULES $SELINUX_HULL_MODULES; do echo "$m.pp"; done) \
                >"$HULL_BUILD/selinux-make.log" 2>&1 ||
                { tail -5 "$HULL_BUILD/selinux-make.log" >&2; die "image/selinux: policy modules failed to build (log: $HULL_BUILD/selinux-make.log)"; }
        # m4 reports errors without failing the build: treat any as fatal.
        if grep -E '^m4:.*(Error|ERROR)' "$HULL_BUILD/selinux-make.log" >&2; then
                die "image/selinux: m4 errors in the policy sources (log: $HULL_BUILD/selinux-make.log)"
        fi
        for m in $SELINUX_UPSTREAM_MODULES $SELINUX_HULL_MODULES; do cp "$work/$m.pp" "$OUT/"; done
        rm -rf "$work"
}

# selinux_install: the modules into the tree's store (/var/lib/selinux), which rebuilds the
# binary policy and file_contexts under $TREE/etc/selinux. -n: nothing to load on the host.
# Never -v: Debian's spamassassin module has a duplicate file context only verbose mode rejects.
selinux_install() {
        local pps=() m log=$HULL_BUILD/semodule.log pp
        pp=$(stage_out selinux-policy)
        for m in $SELINUX_UPSTREAM_MODULES $SELINUX_HULL_MODULES; do pps+=("$pp/$m.pp"); done
        semodule -p "$(cd "$TREE" && pwd)" -s "$SELINUX_TYPE" -n -i "${pps[@]}" >"$log" 2>&1 ||
                { cat "$log" >&2; die "image/selinux: semodule could not install ${pps[*]} into $TREE"; }
        for m in $SELINUX_UPSTREAM_MODULES $SELINUX_HULL_MODULES; do
                [ -d "$TREE/var/lib/selinux/$SELINUX_TYPE/active/modules/400/$m" ] ||
                        die "image/selinux: module $m is not in the policy store after semodule"
        done
        # Equivalences, where libselinux reads them and in the store (so a later semodule on the
        # running system installs the same file).
        printf '%s\n' "$SELINUX_EQUIVALENCES" >"$TREE/etc/selinux/$SELINUX_TYPE/contexts/files/file_contexts.subs"
        printf '%s\n' "$SELINUX_EQUIVALENCES" >"$TREE/var/lib/selinux/$SELINUX_TYPE/active/file_contexts.subs"
        echo "/etc/selinux/$SELINUX_TYPE/contexts/files/file_contexts.subs" | record_origin hull:image/selinux.sh
}

# selinux_prune: remove the reference policy's modules that refpolicy.keep does not name (they
# confine software the image does not ship), after keeping the whole policy's file_contexts in
# $SELINUX_FC_FULL for selinux_check_labels.
SELINUX_KEEP=${HULL_SELINUX_KEEP:-image/selinux/refpolicy.keep}
SELINUX_RELABEL=image/selinux/refpolicy.relabel
selinux_prune() {
        local store=$TREE/var/lib/selinux/$SELINUX_TYPE/active/modules/100 keep m rm=()
        local fc=$TREE/etc/selinux/$SELINUX_TYPE/contexts/files/file_contexts log=$HULL_BUILD/semodule-prune.log
        keep=$(sed -e 's/#.*//' "$SELINUX_KEEP" | awk 'NF { print $1 }')
        for m in $keep; do
                [ -d "$store/$m" ] || die "$SELINUX_KEEP: module '$m' is not in Debian's policy store"
        done
        for m in "$store"/*; do
                m=${m##*/}
                grep -qxF "$m" <<<"$keep" || rm+=(-r "$m")
        done
        # With the files libselinux reads beside it: .homedirs, .subs, .subs_dist (not the .bin).
        for m in "" .homedirs .subs .subs_dist; do cp "$fc$m" "$SELINUX_FC_FULL$m"; done
        semodule -p "$(cd "$TREE" && pwd)" -s "$SELINUX_TYPE" -n -X 100 "${rm[@]}" >"$log" 2>&1 ||
                { grep -v 'Removing last' "$log" | tail -5 >&2
                  die "$SELINUX_KEEP: the kept modules do not make a policy without the others (a kept module needs one that is not kept; log: $log)"; }
        info "selinux: $(wc -w <<<"$keep") reference policy modules kept, $((${#rm[@]} / 2)) removed;" \
                "policy $(du -k "$TREE/etc/selinux/$SELINUX_TYPE/policy/policy.33" | cut -f1) KiB"
}

# selinux_check_labels: every file of the tree has the label the whole policy would give it,
# except the paths refpolicy.relabel names (with the label they get instead).
selinux_check_labels() {
        local root out line p got bad=0
        local -A want
        root=$(cd "$TREE" && pwd)
        while read -r p got; do want[$p]=$got; done < <(sed -e 's/#.*//' "$SELINUX_RELABEL" | awk 'NF { print $1, $2 }')
        out=$(setfiles -n -v -F -r "$root" "$SELINUX_FC_FULL" "$root" 2>&1) || true
        while IFS= read -r line; do
                case $line in "Would relabel "*) ;; *) continue ;; esac
                # "Would relabel PATH from LABEL-NOW to LABEL-OF-THE-WHOLE-POLICY"
                p=${line#"Would relabel $root"}
                p=${p%% from *}
                got=${line##* from }
                got=${got%% to *}
                got=$(cut -d: -f3 <<<"$got")
                if [ "${want[$p]-}" != "$got" ]; then
                        echo "$SELINUX_RELABEL: $p is labelled $got, not as the whole reference policy labels it (${line##* to }): keep its module in $SELINUX_KEEP or list the path" >&2
                        bad=1
                fi
        done <<<"$out"
        [ "$bad" = 0 ] || die "$SELINUX_KEEP: files of the image lost their labels"
}

# selinux_config: enforcing, the default (MCS) policy. The kernel command line (image/cmdline)
# says the same, so the mode does not depend on a file an administrator can edit.
selinux_config() {
        cat >"$TREE/etc/selinux/config" <<EOF
# Hull: SELinux is enforcing from the first boot with the reference policy and the container
# modules. enforcing=1 on the kernel command line (in the signed UKI) takes precedence.
SELINUX=enforcing
SELINUXTYPE=$SELINUX_TYPE
EOF
        # Debian's relabel machinery runs fixfiles on a writable /, which Hull does not have; the
        # image is labelled when it is built.
        rm -f "$TREE/usr/lib/systemd/system/basic.target.wants/selinux-autorelabel-mark.service" \
                "$TREE/usr/lib/systemd/system-generators/selinux-autorelabel-generator.sh"
}

# selinux_label ROOT PATH...: label PATHs of ROOT (as seen inside it: /, /etc) against the tree's
# file_contexts. The build host has no LSM: setfiles stores the labels as plain xattrs, and
# cp -a, mke2fs -d and mkfs.erofs carry them into the images.
selinux_label() {
        local root fc=$TREE/etc/selinux/$SELINUX_TYPE/contexts/files/file_contexts p
        root=$(cd "$1" && pwd)
        shift
        for p in "$@"; do
                setfiles -F -r "$root" "$fc" "$root${p%/}" >>"$HULL_BUILD/setfiles.log" 2>&1 ||
                        { tail -5 "$HULL_BUILD/setfiles.log" >&2; die "setfiles could not label $root/$p (log: $HULL_BUILD/setfiles.log)"; }
        done
}

# The policy's two folders: what semodule reads and writes, and nothing else of the tree does
# (the tree stage leaves them as Debian's packages made them).
SELINUX_STORE_DIRS="etc/selinux var/lib/selinux"

# Output: root/etc/selinux and root/var/lib/selinux (Debian's policy store from the rootfs with
# the modules installed and the reference policy pruned), file_contexts.full* (the whole
# policy's, for selinux_check_labels) and origins.tsv.
stage_selinux_store() {
        local TREE=$OUT/root SELINUX_FC_FULL=$OUT/file_contexts.full d r
        r=$(stage_out rootfs)
        mkdir -p "$TREE"
        # shellcheck disable=SC2046 # one member a folder
        tar -C "$TREE" --numeric-owner -xpf "$r/rootfs.tar" $(for d in $SELINUX_STORE_DIRS; do echo "./$d"; done) ||
                die "$r/rootfs.tar: no SELinux policy store ($SELINUX_STORE_DIRS; is selinux-policy-default in the package lists?)"
        : >"$OUT/origins.tsv"
        selinux_install
        selinux_prune
}

# Output: root/ (the tree stage's root with the policy store of selinux-store and every file
# labelled), state/ (the state partition's skeleton, labelled), and the tree stage's lists.
stage_selinux() {
        local TREE=$OUT/root STATE=$OUT/state t s d SELINUX_FC_FULL
        t=$(stage_out tree) s=$(stage_out selinux-store)
        SELINUX_FC_FULL=$s/file_contexts.full
        # Copies: a stage never changes another's output.
        cp -a "$t/root" "$TREE"
        for d in $SELINUX_STORE_DIRS; do
                rm -rf "${TREE:?}/$d"
                cp -a "$s/root/$d" "$TREE/$d"
        done
        cat "$t/origins.tsv" "$s/origins.tsv" >"$OUT/origins.tsv"
        cp "$t/owners.tsv" "$t/debian-files.txt" "$OUT/"
        selinux_config
        : >"$HULL_BUILD/setfiles.log"
        # What split_state makes exists before labelling, so it is labelled too (it keeps what
        # exists): the factory directory, the overlay's directories, the state root's skeleton
        # and lost+found, which mke2fs -d keeps when the source has one.
        mkdir -p "$TREE/usr/share/factory" "$TREE/var/lib/hull/etc/upper" "$TREE/var/lib/hull/etc/work"
        state_skeleton "$STATE"
        selinux_label "$TREE" /
        selinux_check_labels
        selinux_label "$STATE" /
}
