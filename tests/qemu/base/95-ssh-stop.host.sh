# From the host: a login whose connection sshd accepted before ssh.service stopped (a restart
# by the administrator, or the stop on the way to a reboot) still completes. The connection
# opens first and its SSH exchange is held back (a ProxyCommand that passes no byte until told
# to) while the service stops; then it goes on, and sshd's child for it must still find its
# privilege-separation folder, /run/sshd.
set -u
hold=$(mktemp -d)
trap 'touch "$hold/go"; guest -t 60 "systemctl start ssh.service" >/dev/null 2>&1; rm -rf "$hold"' EXIT
conns() { guest -t 30 "ss -Htn state established '( sport = :22 )' | wc -l"; }
n0=$(conns)
proxy="exec 3<>/dev/tcp/127.0.0.1/$HULL_SSH_PORT || exit 1; touch $hold/open"
proxy+="; until [ -e $hold/go ]; do sleep 0.2; done; cat <&3 & exec cat >&3"
guest-ssh-as --key "$HULL_SSH_KEY" "$HULL_ADMIN" -o ProxyCommand="bash -c '$proxy'" -- echo held-login-ok \
        >"$hold/out" 2>&1 &
login=$!
# Wait until the guest's sshd has the connection: one more established connection to port 22.
for _ in $(seq 100); do
        [ -e "$hold/open" ] && [ "$(conns)" -gt "$n0" ] && break
        sleep 0.3
done
[ -e "$hold/open" ] || { echo "the held connection did not open"; exit 1; }
guest -t 60 'systemctl stop ssh.service && systemctl is-active ssh.service; ls -ld /run/sshd'
touch "$hold/go"
st=0
wait "$login" || st=$?
echo "held login: exit $st, output: $(cat "$hold/out")"
guest -t 60 'systemctl start ssh.service && systemctl is-active ssh.service'
[ "$st" = 0 ] && grep -qx held-login-ok "$hold/out" || {
        echo "the connection accepted before ssh.service stopped did not log in"
        exit 1
}
