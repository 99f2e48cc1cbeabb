# What listens on the running host (ss, all TCP and UDP sockets in LISTEN or unconnected): sshd
# is the one program reachable from the network. Loopback-only listeners (systemd-resolved's
# stub) and the DHCP client's port 68 (it takes only replies to its own requests) are listed
# and allowed; anything else fails.
set -u
fail=0
ss -Hlntup | tee /tmp/listeners
# Netid State Recv-Q Send-Q Local Peer Process
while read -r proto _ _ _ local _ users; do
        addr=${local%:*} port=${local##*:}
        case $addr in 127.* | '[::1]' | '[::ffff:127.'*) continue ;; esac
        case $addr in *%lo) continue ;; esac
        case "$proto:$port:$users" in
        tcp:22:*'"sshd"'*) echo "ok   sshd on $local" ;;
        udp:68:*'"systemd-network"'*) echo "ok   DHCP client on $local" ;;
        *) echo "FAIL: $proto $local listens: $users"; fail=1 ;;
        esac
done </tmp/listeners
grep -q '"sshd"' /tmp/listeners || { echo "FAIL: sshd does not listen"; fail=1; }
exit $fail
