#!/usr/bin/env bash
# check-deb.sh: installs a built convscope .deb on a clean Debian 12 root (the minbase tarball
# ../shared/tools/fresh-debian caches) with apt-get --no-install-recommends, so only the package
# and its Depends are there, then runs it: --version, a headless shot, the window for a few seconds offscreen, and
# desktop-file-validate / appstreamcli validate on the installed files.
#
#   packaging/check-deb.sh [DEB]    default: build/convscope_*.deb (cmake --build build --target package)
#   CHECK_DEB_SHOT=F.png packaging/check-deb.sh ...   also keep the headless shot made there
#
# Run as root on the host (unpack, chroot, mount). Exit code: 0 every check passed, 1 a check
# failed, 2 no .deb, 3 the clean root could not be made (nothing tested; the message says why).
set -uo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
deb=${1:-}
if [ -z "$deb" ]; then
    debs=("$repo"/build/convscope_*.deb)
    deb=${debs[-1]}
fi
[ -f "$deb" ] || { echo "check-deb: no .deb at '$deb'; build one: cmake --build build --target package" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "check-deb: must run as root (chroot, mount)" >&2; exit 3; }

tarball=/var/cache/fresh-debian/bookworm-minbase.tar
if [ ! -f "$tarball" ]; then
    # fresh-debian builds and caches the clean root; running `true` in it is all we need.
    (cd "$repo" && "$repo/../shared/tools/fresh-debian" -- true) || rc=$?
    [ -f "$tarball" ] || { echo "check-deb: SKIPPED, nothing tested: no clean root (fresh-debian exit ${rc:-?})" >&2; exit 3; }
fi

root=$(mktemp -d /tmp/check-deb.XXXXXX)
cleanup() {
    for m in sys dev proc; do umount -R "$root/$m" 2>/dev/null || umount -lR "$root/$m" 2>/dev/null; done
    rm -rf --one-file-system "$root"
}
trap cleanup EXIT
tar -xf "$tarball" -C "$root" || { echo "check-deb: could not unpack $tarball" >&2; exit 3; }
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null
cp "$deb" "$root/tmp/" || exit 3
# rslave: unmounting the binds later must not propagate to the host's /dev and /sys (systemd
# makes / shared).
mount -t proc proc "$root/proc" && mount --rbind /dev "$root/dev" && mount --make-rslave "$root/dev" \
    && mount --rbind /sys "$root/sys" && mount --make-rslave "$root/sys" \
    || { echo "check-deb: could not mount /proc, /dev, /sys in the clean root" >&2; exit 3; }

in_root() {
    chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive /bin/bash -c "$1"
}
in_root 'apt-get update -qq' || { echo "check-deb: SKIPPED, nothing tested: apt-get update failed (package mirror unreachable?)" >&2; exit 3; }

echo "check-deb: installing $(basename "$deb") on a clean Debian 12" >&2
in_root "set -e -o pipefail
apt-get install -y -qq --no-install-recommends /tmp/$(basename "$deb") >/tmp/apt.log 2>&1 || { tail -20 /tmp/apt.log; exit 1; }
echo \"installed: \$(dpkg-query -W -f='\${Package} \${Version}' convscope), \$(grep -c '^Unpacking' /tmp/apt.log) packages unpacked\"
dpkg -L convscope | grep -E 'bin/|applications/|metainfo/|man1/|scalable/|256x256/'
convscope --version
QT_QPA_PLATFORM=offscreen convscope shot --out /tmp/x.png
test -s /tmp/x.png
convscope im2col --shape 3x227x227 --kernel 11 --stride 4
# The window: it must still be running after 5 s (timeout's 124), not have crashed.
rc=0; QT_QPA_PLATFORM=offscreen timeout 5 convscope >/tmp/gui.log 2>&1 || rc=\$?
[ \$rc -eq 124 ] || { echo \"the window exited with \$rc:\"; cat /tmp/gui.log; exit 1; }
echo 'window: still running after 5 s'
apt-get install -y -qq --no-install-recommends desktop-file-utils appstream >/dev/null 2>&1
desktop-file-validate /usr/share/applications/io.github.convscope.ConvScope.desktop
appstreamcli validate --no-net /usr/share/metainfo/io.github.convscope.ConvScope.metainfo.xml"
rc=$?
[ -n "${CHECK_DEB_SHOT:-}" ] && cp "$root/tmp/x.png" "$CHECK_DEB_SHOT" 2>/dev/null
[ $rc -eq 0 ] && echo "check-deb: PASSED" >&2 || echo "check-deb: FAILED (exit $rc)" >&2
exit $((rc == 0 ? 0 : 1))
