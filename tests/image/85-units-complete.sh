# shellcheck shell=bash
# No unit in /usr points at something the image does not have: no dangling unit links (a
# removed package's units, say dracut's), and every Exec*= program of every shipped unit exists
# (those allowed to fail, "-" prefix, excepted). Catches prune rules that remove a package's
# programs but leave its units: apt-daily.timer running a missing program every day would fail
# on every running host.
set -u
cd "$TREE" || exit 1
# systemd's own units for tools Hull does not ship; nothing pulls them in (quotaon.service is
# wanted only by a quota mount option in fstab).
allowed='quotaon.service'

# exists_in_tree PATH: PATH (absolute, in the image) exists, following links inside the tree.
exists_in_tree() {
        local p=${1#/} t i
        for i in 1 2 3 4 5 6 7 8; do
                case $p in lib/* | bin/* | sbin/* | lib64/*) p=usr/$p ;; esac
                if [ -L "$p" ]; then
                        t=$(readlink "$p")
                        case $t in /*) p=${t#/} ;; *) p=$(dirname "$p")/$t ;; esac
                        continue
                fi
                [ -e "$p" ]
                return
        done
        return 1
}

fail=0
while IFS= read -r l; do
        t=$(readlink "$l")
        [ "$t" = /dev/null ] && continue
        case $t in /*) p=$t ;; *) p=/$(dirname "$l")/$t ;; esac
        if ! exists_in_tree "$p"; then echo "dangling unit link: /$l -> $t"; fail=1; fi
done < <(find usr/lib/systemd/system usr/lib/systemd/user -type l 2>/dev/null)
while IFS= read -r f; do
        case " $allowed " in *" $(basename "$f") "*) continue ;; esac
        while IFS= read -r cmd; do
                prefix=${cmd%%[!@:+!-]*}
                case $prefix in *-*) continue ;; esac
                cmd=${cmd#"$prefix"}
                prog=${cmd%% *}
                case $prog in /etc/*) continue ;; /*) ;; *) continue ;; esac
                if ! exists_in_tree "$prog"; then echo "/$f: $prog does not exist in the image"; fail=1; fi
        done < <(sed -n 's/^\(ExecStart\|ExecStartPre\|ExecStartPost\|ExecStop\|ExecStopPost\|ExecReload\|ExecCondition\)=//p' "$f")
done < <(find usr/lib/systemd/system -maxdepth 1 -type f \( -name '*.service' -o -name '*.socket' \))
[ "$fail" = 0 ] && echo "every unit link resolves and every Exec program exists"
exit "$fail"
