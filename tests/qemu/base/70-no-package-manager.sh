# There is no package manager to run.
set -u
for p in dpkg apt apt-get perl; do
        if command -v "$p"; then echo "$p is installed"; exit 1; fi
done
exit 0
