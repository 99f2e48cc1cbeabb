# The wireserver saw the check-in (tests/qemu/metadata-server's log): the goal state, a report
# answered 410 Gone, the goal state again, and a report taken; the report says Ready for the
# goal state's incarnation, container and role instance.
set -eu
r=$HULL_VM_DIR/md-requests
# The check-in runs beside the rest of the boot: give it its time.
for _ in $(seq 60); do
        grep -q ' POST /machine?comp=health 200' "$r" 2>/dev/null && break
        sleep 2
done
cat "$r"
want='GET /machine/?comp=goalstate 200
POST /machine?comp=health 410
GET /machine/?comp=goalstate 200
POST /machine?comp=health 200'
got=$(cut -d' ' -f2- "$r")
if [ "$got" != "$want" ]; then echo "expected:"; echo "$want"; exit 1; fi
n=$(awk '$2 == "POST" && $4 == 200 { print $1 }' "$r")
h=$HULL_VM_DIR/md-health-$n.xml
cat "$h"; echo
tr -d ' \n\t' <"$h" >"$HULL_VM_DIR/health.flat"
for e in '<GoalStateIncarnation>7</GoalStateIncarnation>' \
        '<ContainerId>5f3c1e9a-7d2b-4c8e-9a61-0b4d2e7f8c13</ContainerId>' \
        '<InstanceId>8a1f0c2e5b7d4e9fa3c6b1d0e2f4a6c8._hull-azure-vm</InstanceId>' \
        '<Health><State>Ready</State></Health>'; do
        grep -qF "$e" "$HULL_VM_DIR/health.flat" || { echo "the report lacks $e"; exit 1; }
done
guest 'systemctl show -p ActiveState,Result hull-firstboot-azure-ready.service; journalctl -b -u hull-firstboot-azure-ready --no-pager -o cat'
