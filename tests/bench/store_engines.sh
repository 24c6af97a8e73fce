#!/bin/bash
# SPDX-FileCopyrightText: 2026 The Ferry authors
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The shared store's benchmark: a million-row matrix written and read back on SQLite and on
# PostgreSQL 15 side by side (bench_store), the dashboard's worker reading it (bench_matrix_model
# --db) and the window opening on it (bench_window). PostgreSQL is a throwaway cluster in a
# temporary directory on a Unix socket, as the tests start it (run as root, it runs as the
# postgres user). Figures go to the README; nothing here is a test.
#   tests/bench/store_engines.sh BUILD_DIR [REPOSITORIES=1000] [TAGS=1000]
set -euo pipefail
build=$(realpath "${1:?usage: store_engines.sh BUILD_DIR [REPOSITORIES] [TAGS]}")
repos=${2:-1000}
tags=${3:-1000}
pgbin=/usr/lib/postgresql/15/bin
[ -x "$pgbin/initdb" ] || { echo "PostgreSQL 15 is not installed (installer/setup.sh deps)"; exit 1; }
work=$(mktemp -d /tmp/ferry-store-engines.XXXXXX)
chmod 755 "$work"
as_pg=()
if [ "$(id -u)" = 0 ]; then
    chown postgres:postgres "$work"
    as_pg=(setpriv --reuid=postgres --regid=postgres --clear-groups)
fi
pid=
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
"${as_pg[@]}" "$pgbin/initdb" -D "$work/data" -U ferry --auth=trust -E UTF8 --locale=C --no-sync >/dev/null
port=$(( 20000 + RANDOM % 20000 ))
# Durable as a server is by default (fsync on): the comparison is with SQLite's WAL mode.
"${as_pg[@]}" "$pgbin/postgres" -D "$work/data" -k "$work" -p "$port" -c listen_addresses= \
    -c shared_buffers=256MB >"$work/postgres.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do
    "$pgbin/pg_isready" -q -h "$work" -p "$port" && break
    sleep 0.2
done
"$pgbin/psql" -q -h "$work" -p "$port" -U ferry -d postgres -c "CREATE DATABASE bench" >/dev/null
url="postgresql://ferry@/bench?host=$work&port=$port"
file="$work/bench.db"
echo "== $(( repos * tags )) tags, $(nproc) cores, $(date -u +%F)"
for where in "$file" "$url"; do
    echo "--- bench_store"
    "$build/tests/bench/bench_store" "$repos" "$tags" --out "$where"
    echo "--- bench_matrix_model --db"
    "$build/tests/bench/bench_matrix_model" --db "$where"
    echo "--- bench_window"
    "$build/tests/bench/bench_window" "$where" 2
done
