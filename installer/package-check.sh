#!/usr/bin/env bash
# The package as a user gets it: builds the .deb (and .tar.gz) with CPack from a build tree,
# installs the .deb with apt into a clean Debian 12 chroot (debootstrap minbase; a pristine
# copy is kept and copied afresh for every run), and there runs `ferryctl --version`,
# `man -w ferryctl`, a completion, and the dashboard under Xvfb from the installed desktop
# entry's Exec line, taking a screenshot (xwd, converted with tests/support/xwd2png.py).
#
#   installer/package-check.sh [BUILD_DIR]   default build/dev (built already by setup.sh test)
#
#   FERRY_BOOKWORM_ROOT  the pristine chroot (default /var/tmp/ferry-bookworm-root)
#   FERRY_DEBIAN_MIRROR  the archive (default: the machine's own, read from its apt sources)
# The screenshots are left in BUILD_DIR/package-check/ (ferry-first-run.png, ferry-demo.png).
# Then `ferryctl demo --serve` runs there from the installed files. Needs root.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
build="$(cd "${1:-$root/build/dev}" && pwd)"
base="${FERRY_BOOKWORM_ROOT:-/var/tmp/ferry-bookworm-root}"
run="$build/package-check"
log() { printf '\033[1m[ferry package-check]\033[0m %s\n' "$*" >&2; }

[ "$(id -u)" -eq 0 ] || { echo "package-check.sh needs root for debootstrap and chroot" >&2; exit 2; }
# shellcheck source=installer/mirror.sh
source "$here/mirror.sh"
mirror="${FERRY_DEBIAN_MIRROR:-$(machine_mirror)}"
[ -n "$mirror" ] || { echo "no Debian archive found in the apt sources; set FERRY_DEBIAN_MIRROR" >&2; exit 2; }

# 1. The packages.
log "packaging $build with CPack"
rm -rf "$run" && mkdir -p "$run/dist"
(cd "$run/dist" && cpack --config "$build/CPackConfig.cmake" -B "$run/dist" >"$run/cpack.log" 2>&1) \
  || { tail -30 "$run/cpack.log" >&2; exit 1; }
deb="$(ls "$run"/dist/ferry_*.deb)"
tgz="$(ls "$run"/dist/ferry-*.tar.gz)"
log "built $(basename "$deb") ($(du -h "$deb" | cut -f1)) and $(basename "$tgz")"
dpkg-deb -f "$deb" Depends >"$run/depends.txt"
dpkg-deb -c "$deb" >"$run/contents.txt"
grep -q 'libqt6widgets6' "$run/depends.txt" || { echo "dpkg-shlibdeps found no Qt in Depends:" >&2; dpkg-deb -I "$deb" >&2; exit 1; }
grep -q './usr/share/man/man1/ferryctl-cleanup.1.gz' "$run/contents.txt" || { echo "the man pages are not in the package" >&2; exit 1; }
grep -q './usr/share/doc/ferry/copyright' "$run/contents.txt" || { echo "the copyright notice is not in the package" >&2; exit 1; }
log "Depends: $(cat "$run/depends.txt")"

# 2. A pristine Debian 12 base, made once; every run installs into a fresh copy of it.
if [ ! -f "$base/.ferry-base" ]; then
  log "creating a Debian 12 chroot in $base (debootstrap --variant=minbase bookworm)"
  rm -rf "$base" && mkdir -p "$base"
  debootstrap --variant=minbase bookworm "$base" "$mirror" >"$base.debootstrap.log" 2>&1 \
    || { tail -20 "$base.debootstrap.log" >&2; exit 1; }
  touch "$base/.ferry-base"
fi
chroot_dir="$run/root"
cp -a "$base" "$chroot_dir"
cp /etc/resolv.conf "$chroot_dir/etc/resolv.conf"
# Downloaded packages are kept beside the base: the next run installs without the network.
cache="$base.apt-archives"
mkdir -p "$cache" && cp -a "$cache/." "$chroot_dir/var/cache/apt/archives/" 2>/dev/null || true
cp "$deb" "$chroot_dir/tmp/"

# 3. What the check itself needs (man-db, Xvfb, xwd), then the package as a user installs it:
#    apt with its Recommends (what ferryctl demo needs), and docker-registry for the demo. No
#    service may start in the chroot (policy-rc.d): the registry package would start one.
printf '#!/bin/sh\nexit 101\n' >"$chroot_dir/usr/sbin/policy-rc.d"
chmod +x "$chroot_dir/usr/sbin/policy-rc.d"
log "apt install ./$(basename "$deb") docker-registry in the chroot"
{ chroot "$chroot_dir" env DEBIAN_FRONTEND=noninteractive apt-get update -q \
  && chroot "$chroot_dir" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
       man-db xvfb xauth x11-apps x11-utils \
  && chroot "$chroot_dir" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "/tmp/$(basename "$deb")" docker-registry; } \
  >"$run/apt.log" 2>&1 || { tail -30 "$run/apt.log" >&2; exit 1; }
cp -a "$chroot_dir/var/cache/apt/archives/"*.deb "$cache/" 2>/dev/null || true

# 4. The installed Ferry, from the installed files only.
log "running the installed Ferry"
desktop_exec="$(sed -n 's/^Exec=//p' "$chroot_dir/usr/share/applications/dev.ferry.Ferry.desktop" | sed 's/ %[fFuU]//g')"
chroot "$chroot_dir" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 EXEC="$desktop_exec" /bin/bash -euo pipefail -c '
  ferryctl --version | grep -qx "ferryctl [0-9.]*" && ferryctl --version
  man -w ferryctl && man -w ferryctl-cleanup && man -w ferry
  MANWIDTH=80 man ferryctl-cleanup 2>/dev/null | grep -q -- "--as name"
  test -f /usr/share/bash-completion/completions/ferryctl && test -f /usr/share/zsh/vendor-completions/_ferryctl \
    && test -f /usr/share/fish/vendor_completions.d/ferryctl.fish
  ferryctl demo --help | grep -q -- "--serve"
  test -f /usr/share/ferry/demo/demo.py
  # The dashboard from the desktop entry, on a bare X server: a first run (no plan yet).
  rm -rf /root/.config
  xvfb-run -a -s "-screen 0 1280x800x24" /bin/bash -c "
    $EXEC >/tmp/ferry.log 2>&1 &
    pid=\$!
    for i in \$(seq 1 60); do
      if xwininfo -root -tree | grep -q \"\\\"Ferry\\\"\"; then break; fi
      sleep 0.5
    done
    sleep 2
    xwininfo -root -tree | grep \"\\\"Ferry\\\"\" || { echo no Ferry window; cat /tmp/ferry.log; exit 1; }
    xwd -root -silent > /tmp/ferry.xwd
    kill \$pid; wait \$pid || true
  "
'
# The icon's hicolor sizes, as installed: PNGs of the size their directory says.
/usr/bin/python3 - "$chroot_dir/usr/share/icons/hicolor" <<'PY'
import struct, sys
for n in (16, 22, 24, 32, 48, 64, 128, 256):
    with open(f"{sys.argv[1]}/{n}x{n}/apps/dev.ferry.Ferry.png", "rb") as f:
        head = f.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n" or struct.unpack(">II", head[16:24]) != (n, n):
        sys.exit(f"hicolor/{n}x{n}/apps/dev.ferry.Ferry.png is not a {n}x{n} PNG")
PY
/usr/bin/python3 "$root/tests/support/xwd2png.py" "$chroot_dir/tmp/ferry.xwd" "$run/ferry-first-run.png" | tee "$run/screenshot.txt"
colours="$(sed -n 's/.*colours=//p' "$run/screenshot.txt")"
[ "$colours" -gt 20 ] || { echo "the screenshot is blank ($colours colours)" >&2; exit 1; }

# 5. The demo from the installed files only: ferryctl demo --serve plays the story against its
#    registries on 127.0.0.1, its database fills, the window opens on it; SIGTERM stops it all.
log "ferryctl demo from the installed files"
chroot "$chroot_dir" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 /bin/bash -euo pipefail -c '
  ferryctl demo --serve --workdir /tmp/demo >/tmp/demo.log 2>&1 &
  demo=$!
  for i in $(seq 1 600); do
    grep -q "story has played" /tmp/demo.log && break
    kill -0 $demo 2>/dev/null || { echo "the demo ended early:"; cat /tmp/demo.log; exit 1; }
    sleep 1
  done
  grep -q "story has played" /tmp/demo.log || { echo "the demo did not finish its story in 600 s:"; cat /tmp/demo.log; kill $demo; exit 1; }
  grep "^\[demo\] plan: /tmp/demo/leave-docker-hub.yaml$" /tmp/demo.log
  ferryctl status --db /tmp/demo/leave-docker-hub.ferry.db --format json >/tmp/status.json
  python3 -c "import json; rows = json.load(open(\"/tmp/status.json\")); assert len(rows) > 100, len(rows); print(len(rows), \"matrix rows\")"
  xvfb-run -a -s "-screen 0 1280x800x24" /bin/bash -c "
    ferry --plan /tmp/demo/leave-docker-hub.yaml >/tmp/ferry-demo.log 2>&1 &
    pid=\$!
    sleep 8
    xwd -root -silent > /tmp/ferry-demo.xwd
    kill \$pid; wait \$pid || true
  "
  ports="$(grep -o "127.0.0.1:[0-9]*" /tmp/demo/leave-docker-hub.yaml | cut -d: -f2 | sort -u)"
  kill -TERM $demo; wait $demo || true
  # The plan names the registries: none of them may answer any more.
  for port in $ports; do
    if python3 -c "import socket, sys; socket.create_connection((\"127.0.0.1\", int(sys.argv[1])), 2)" "$port" 2>/dev/null; then
      echo "127.0.0.1:$port still answers after the demo stopped"; exit 1
    fi
  done
  echo "the demo stopped its registries (ports $(echo $ports))"
'
/usr/bin/python3 "$root/tests/support/xwd2png.py" "$chroot_dir/tmp/ferry-demo.xwd" "$run/ferry-demo.png"
rm -rf "$chroot_dir"
log "the package installs and runs in a clean Debian 12: $run/ferry-first-run.png"
