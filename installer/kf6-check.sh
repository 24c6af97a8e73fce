#!/usr/bin/env bash
# The KF6 path, checked where it exists: builds Ferry's backend, models and highlighting in
# a Debian 13 (trixie) chroot, where Qt 6.8 and KF6 SyntaxHighlighting are packaged, and
# runs the model and highlighting tests there with the KF6 engine required. Debian 12 has
# no KF6, so without this the KF6 code would be dead code that nothing compiles.
#
#   installer/kf6-check.sh          create or reuse the chroot, build, test
#
# The chroot (about 1.4 GB, a minute or two to create) is kept and reused:
#   FERRY_TRIXIE_ROOT   where it lives (default /var/tmp/ferry-trixie-root)
#   FERRY_DEBIAN_MIRROR the archive to bootstrap from (default: the machine's own Debian
#                       archive, read from its apt sources)
# Needs root (debootstrap, chroot) and the host's debootstrap (setup.sh installs it).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
target="${FERRY_TRIXIE_ROOT:-/var/tmp/ferry-trixie-root}"
# shellcheck source=installer/mirror.sh
source "$here/mirror.sh"
mirror="${FERRY_DEBIAN_MIRROR:-$(machine_mirror)}"
[ -n "$mirror" ] || { echo "no Debian archive found in the apt sources; set FERRY_DEBIAN_MIRROR" >&2; exit 2; }
PACKAGES=(g++ cmake ninja-build qt6-base-dev libqt6sql6-sqlite libsqlite3-dev libkf6syntaxhighlighting-dev libyaml-cpp-dev libssl-dev)
TESTS='^tst_(highlighting|manifestmodel|syncmatrixmodel|registriesmodel)$'

log() { printf '\033[1m[ferry kf6-check]\033[0m %s\n' "$*" >&2; }

if [ "$(id -u)" -ne 0 ]; then
  echo "kf6-check.sh needs root for debootstrap and chroot (run it with sudo)" >&2
  exit 2
fi
command -v debootstrap >/dev/null || { echo "debootstrap is missing: installer/setup.sh deps installs it" >&2; exit 2; }

# 1. The base system, once. A half-made chroot (no marker) is made again from scratch.
if [ ! -f "$target/.ferry-base" ]; then
  log "creating a Debian 13 chroot in $target (debootstrap --variant=minbase trixie)"
  rm -rf "$target"
  mkdir -p "$target"
  debootstrap --variant=minbase trixie "$target" "$mirror" >"$target.debootstrap.log" 2>&1 \
    || { tail -20 "$target.debootstrap.log" >&2; exit 1; }
  touch "$target/.ferry-base"
else
  log "reusing the chroot in $target"
fi

# 2. The build packages, whenever the list changes.
want="${PACKAGES[*]}"
if [ "$(cat "$target/.ferry-packages" 2>/dev/null)" != "$want" ]; then
  log "installing in the chroot: $want"
  cp /etc/resolv.conf "$target/etc/resolv.conf"
  # apt's complaints about /dev/pts and invoke-rc.d in a bare chroot are harmless: logged.
  { chroot "$target" env DEBIAN_FRONTEND=noninteractive apt-get update -q \
      && chroot "$target" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${PACKAGES[@]}"; } \
    >"$target.apt.log" 2>&1 || { tail -30 "$target.apt.log" >&2; exit 1; }
  echo "$want" >"$target/.ferry-packages"
fi

# 3. The sources as they are in this tree (not .git, not build trees). Times are kept, so
#    the build tree in the chroot rebuilds only what changed.
rm -rf "$target/src"
mkdir -p "$target/src"
tar -C "$root" --exclude=./build --exclude=./.git -cf - . | tar -C "$target/src" -xf -

# 4. Configure with KF6 required, build the checked targets, run them.
log "building and testing in the chroot (Qt $(chroot "$target" dpkg-query -W -f='${Version}' qt6-base-dev))"
chroot "$target" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 TESTS="$TESTS" /bin/bash -euo pipefail -c '
  cmake -S /src -B /build -G Ninja -DCMAKE_BUILD_TYPE=Debug -DFERRY_DESKTOP=OFF -DFERRY_WITH_KF6=ON >/build.configure.log 2>&1 \
    || { cat /build.configure.log; exit 1; }
  if ! grep -q "Syntax highlighting, KF6 SyntaxHighlighting" /build.configure.log; then
    echo "the build did not pick KF6 SyntaxHighlighting up:"; grep -A3 -i "highlight" /build.configure.log; exit 1
  fi
  grep "Syntax highlighting" /build.configure.log
  cmake --build /build --target tst_highlighting tst_manifestmodel tst_syncmatrixmodel tst_registriesmodel
  cd /build
  FERRY_EXPECT_ENGINE="KF6 SyntaxHighlighting" ctest -R "$TESTS" --output-on-failure --no-tests=error
'
log "KF6 path built and tested"
