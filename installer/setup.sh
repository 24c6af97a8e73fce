#!/usr/bin/env bash
# Ferry's one setup script: installs the Debian 12 packages the project needs (only the
# missing ones), configures and builds, and runs what was asked.
#
#   installer/setup.sh demo    install, build, start local registries playing the RFC's cast,
#                              scan them and open the dashboard (the status table without a display)
#   installer/setup.sh test    install, build (dev and asan presets), run every test
#   installer/setup.sh build   install and build the dev preset
#   installer/setup.sh package install, build the package preset (Release), write the .deb and
#                              the .tar.gz to build/package/dist
#   installer/setup.sh deps    install the packages only
#
# Environment: FERRY_PRESETS="dev asan" picks the presets `test` runs (default: both);
# FERRY_PACKAGE_CHECK=0 leaves out the install of the .deb into a clean Debian 12 chroot
# (installer/package-check.sh, on the dev build); FERRY_KF6_CHECK=0 leaves out the KF6 check in a Debian 13 chroot (installer/kf6-check.sh);
# FERRY_TEST_JOBS=N runs N suites at a time (default 2); FERRY_ASAN_EXCLUDE, a ctest -E regex,
# the runs the asan preset leaves to dev (default: the extra shapes and the PostgreSQL runs). `test` is strict: a suite that
# would skip for a missing tool fails (FERRY_STRICT_TESTS=1).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$root"

# Build: compiler, CMake, Qt 6.4 (Charts needs the OpenGL dev package on Debian 12), yaml-cpp,
# libssl-dev (libcrypto's SHA-256 for layers). Tests: CNCF Distribution, skopeo, openssl and
# htpasswd for TLS and basic-auth registries, python3-jwt for the token service, python3-h2 for
# the HTTP/2 fault front, Xvfb for screenshots, clang-format for the house-rules test, tmux for
# the terminal view's tests, containerd (run unprivileged by the tests) for the hosts.toml pulls,
# gdb for the stacks of a suite that hangs (testmain.cpp), desktop-file-utils and appstream for
# the desktop entry and AppStream metadata checks, zsh, fish and man-db for the completions and
# man pages, x11-apps (xwd) for screenshots without ImageMagick, PostgreSQL 15 and Qt's driver for
# it (the tests start their own server; the package's cluster on :5432 is never used).
PACKAGES=(
  g++ cmake ninja-build pkg-config ccache libssl-dev
  qt6-base-dev qt6-charts-dev libqt6opengl6-dev libgl-dev qt6-svg-dev qt6-tools-dev
  libqt6sql6-sqlite libsqlite3-dev libxkbcommon-dev libyaml-cpp-dev libncurses-dev poppler-utils fonts-dejavu-core
  docker-registry skopeo openssl apache2-utils ca-certificates
  python3 python3-jwt python3-cryptography python3-h2
  xvfb xauth
  debootstrap clang-format tmux containerd gdb desktop-file-utils appstream zsh fish man-db x11-apps
  postgresql-15 libqt6sql6-psql
)

log() { printf '\033[1m[ferry setup]\033[0m %s\n' "$*" >&2; }

install_deps() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$p")
    fi
  done
  if [ ${#missing[@]} -eq 0 ]; then
    log "all ${#PACKAGES[@]} packages are installed"
    return
  fi
  log "installing: ${missing[*]}"
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  # The registry package starts a system service on :5000 where systemd runs; the tests
  # never use it (they start their own on free loopback ports).
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# The Kubernetes manifests' schema check (tests/k8s) runs on Node.js with two packages from
# the npm registry, pinned in its package-lock.json. Node.js from Debian when there is none
# (one from elsewhere, with its own npm, is used as it is).
install_k8s_check() {
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
    log "installing Node.js and npm for the manifests' check"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends nodejs npm
  fi
  if [ ! -d "$root/tests/k8s/node_modules/kubernetes-models" ] ||
     [ "$root/tests/k8s/package-lock.json" -nt "$root/tests/k8s/node_modules/.package-lock.json" ]; then
    log "installing the manifests' schema check (npm ci in tests/k8s)"
    (cd "$root/tests/k8s" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

# ccache (CMakeLists.txt uses it where installed) hashes paths relative to the checkout, so a clone
# in another folder (CI's) compiles only what differs from the last build on this machine.
export CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=true CCACHE_MAXSIZE="${CCACHE_MAXSIZE:-12G}"

build() {
  local preset="$1"
  log "configuring and building preset '$preset'"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset"
}

run_tests() {
  local preset="$1"
  log "running the test suite (preset '$preset')"
  # Strict: a suite that would skip (a missing tool) fails instead, and ctest reports a
  # skipped suite (exit 77) as not run, so nothing passes silently. Two suites at a time:
  # each integration suite mostly waits on its own registries.
  # The asan run looks for memory errors, not for another registry shape: it runs every suite
  # once plain, with HTTP/2 + token auth and both fault transports, and leaves the other shapes
  # and the PostgreSQL runs (the same code paths; the dev run has them all) to the dev preset.
  # FERRY_ASAN_EXCLUDE="" runs them all there too.
  local exclude=() skip="${FERRY_ASAN_EXCLUDE-_postgresql\$|_tls_basic\$|_tls_basic_http1\$|_tls_token_http1\$}"
  if [ "$preset" = asan ] && [ -n "$skip" ]; then
    exclude=(-E "$skip")
  fi
  FERRY_STRICT_TESTS=1 ctest --preset "$preset" --output-on-failure -j "${FERRY_TEST_JOBS:-2}" "${exclude[@]}"
}

cmd="${1:-test}"
case "$cmd" in
  deps)
    install_deps
    install_k8s_check
    ;;
  build)
    install_deps
    build dev
    ;;
  demo)
    install_deps
    build dev
    shift
    exec /usr/bin/python3 "$root/installer/demo.py" --build build/dev "$@"
    ;;
  test)
    install_deps
    install_k8s_check
    # The .deb of the dev build, installed by apt into a clean Debian 12 and started from its
    # desktop entry (installer/package-check.sh): it mostly waits on apt and the demo, so it
    # runs beside the next preset's build and tests, in a process group of its own (stopped
    # if this script ends first), its output kept for the end.
    package_check=""
    package_log="$root/build/package-check.log"
    trap 'if [ -n "$package_check" ]; then kill -- -"$package_check" 2>/dev/null || true; fi' EXIT
    for preset in ${FERRY_PRESETS:-dev asan}; do
      build "$preset"
      run_tests "$preset"
      if [ "$preset" = dev ] && [ "${FERRY_PACKAGE_CHECK:-1}" = 1 ]; then
        log "checking the package in a clean Debian 12 chroot, beside the next steps ($package_log)"
        setsid bash "$root/installer/package-check.sh" "$root/build/dev" >"$package_log" 2>&1 &
        package_check=$!
      fi
    done
    if [ -n "$package_check" ]; then
      rc=0
      wait "$package_check" || rc=$?
      package_check=""
      cat "$package_log"
      [ "$rc" -eq 0 ] || { log "the package check failed (exit $rc)"; exit "$rc"; }
    fi
    # The KF6 highlighting path, in a Debian 13 chroot (reused when it exists).
    if [ "${FERRY_KF6_CHECK:-1}" = 1 ]; then
      bash "$root/installer/kf6-check.sh"
    fi
    ;;
  package)
    install_deps
    build package
    (cd build/package && cpack -B "$root/build/package/dist")
    log "packages: $(ls "$root"/build/package/dist/*.deb "$root"/build/package/dist/*.tar.gz | tr '\n' ' ')"
    ;;
  *)
    echo "usage: installer/setup.sh [demo|test|build|package|deps]" >&2
    exit 2
    ;;
esac
