# What the metadata service saw, from its own log (tests/qemu/metadata-server): a 500 first,
# then the IMDSv2 token flow for the user data, the config the user data merges (a plain GET of
# md/hull/extra.ign, right after the user data, from the same fetch), the launch key and the
# host name, every metadata GET with the token, no IMDSv1 request, nothing else.
set -eu
r=$HULL_VM_DIR/md-requests
cat "$r"
want='1 PUT /latest/api/token 500
2 PUT /latest/api/token 200
3 GET /latest/user-data 200 token
4 GET /hull/extra.ign 200
5 PUT /latest/api/token 200
6 GET /latest/meta-data/public-keys/0/openssh-key 200 token
7 PUT /latest/api/token 200
8 GET /latest/meta-data/hostname 200 token'
if [ "$(cat "$r")" != "$want" ]; then
        echo "expected:"; echo "$want"; exit 1
fi
