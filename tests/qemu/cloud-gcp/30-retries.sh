# The metadata server was down (the connection closed unanswered), then slow (no answer within
# the fetch's 10 s): each attempt is in the fetch's journal with what went wrong and when the
# next comes, and the fetch went on until the server answered with the user data.
set -e
journalctl -b -u hull-firstboot-fetch --no-pager -o cat | tee /tmp/fetch.log
u='GET http://169\.254\.169\.254/computeMetadata/v1/instance/attributes/user-data \(attempt [0-9]/8\)'
grep -qE "^$u: Empty reply from server; trying again in [0-9.]+ s\.$" /tmp/fetch.log
grep -qE "^$u: Operation timed out after 1[0-9]{4} milliseconds with 0 bytes received; trying again in [0-9.]+ s\.$" /tmp/fetch.log
grep -E "^$u: HTTP 200, [0-9]+ bytes" /tmp/fetch.log
grep -qE '^Fetched 2 SSH keys from the Compute Engine metadata server' /tmp/fetch.log
