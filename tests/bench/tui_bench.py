#!/usr/bin/python3
"""TUI benchmark: keystroke to redraw of ferryctl tui on a large store, in a real terminal.

    tests/bench/tui_bench.py --ferryctl build/release/app/ferryctl --db /var/tmp/million.db
        [--cols 160 --rows 48] [--rounds 3]

Starts the TUI in tmux (a server on a socket of its own, 160x48 by default) with
FERRY_TUI_TIMINGS set: the program writes, for every batch of keys it reads, the
microseconds from reading them to the frame handed to the terminal (the keys' work on
the matrix model, the drawing, ncurses' update). tmux then sends what a lead does on the
Images page of a million rows: moves, pages, jumps to the end and back, types a filter a
character at a time (each one refilters every row), opens the detail pane, cycles the state
filter and the sort, and switches pages. Keys are sent one at a time with a pause, so each
is timed alone. Prints, per kind of key, the count, median, 95th percentile and maximum in
milliseconds, the time until the matrix was shown, and the program's peak resident memory.
Nothing leaves 127.0.0.1; the tmux server is stopped at the end.
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time


def tmux(sock, *args, capture=False):
    r = subprocess.run(["tmux", "-S", sock, "-f", "/dev/null", *args], capture_output=True, text=True, check=False)
    return r.stdout if capture else r.returncode


def screen(sock):
    return tmux(sock, "capture-pane", "-p", capture=True)


def wait_for_matrix(sock, timeout):
    """Until the Images page counts its rows (not "0 of 0" while the store is read)."""
    end = time.time() + timeout
    while time.time() < end:
        m = re.search(r"of ([0-9,]+) rows", screen(sock))
        if m and m.group(1) != "0" and "Reading the matrix" not in screen(sock):
            return m.group(1)
        time.sleep(0.05)
    return None


def peak_rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return -1


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ferryctl", required=True)
    ap.add_argument("--db", required=True)
    ap.add_argument("--cols", type=int, default=160)
    ap.add_argument("--rows", type=int, default=48)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--pause", type=float, default=0.25, help="seconds between keys")
    args = ap.parse_args()

    work = tempfile.mkdtemp(prefix="ferry-tui-bench-")
    sock = os.path.join(work, "tmux")
    timings = os.path.join(work, "timings")
    command = f"FERRY_TUI_TIMINGS='{timings}' '{os.path.abspath(args.ferryctl)}' tui --db '{args.db}' --page images; sleep 30"
    started = time.time()
    if tmux(sock, "new-session", "-d", "-x", str(args.cols), "-y", str(args.rows), "-e", "LANG=C.UTF-8", command) != 0:
        sys.exit("tmux new-session failed")
    try:
        rows = wait_for_matrix(sock, 300)
        if not rows:
            sys.exit("the matrix never appeared:\n" + screen(sock))
        shown = time.time() - started
        pid = subprocess.run(["pgrep", "-f", f"tui --db {args.db}"], capture_output=True, text=True).stdout.split()
        pid = int(pid[0]) if pid else -1

        plan = []  # (kind, tmux key, literal?)
        for _ in range(args.rounds):
            plan += [("move", "Down", False)] * 20 + [("page", "PageDown", False)] * 10 + [("end/home", "End", False),
                                                                                          ("end/home", "Home", False)]
            plan += [("filter: open", "/", True)]
            plan += [("filter: type", c, True) for c in "giantswarm/app-4"]
            plan += [("filter: erase", "BSpace", False)] * 4 + [("filter: keep", "Enter", False)]
            plan += [("detail", "Enter", False), ("move", "Down", False), ("detail", "Escape", False)]
            plan += [("clear filter", "Escape", False)]
            plan += [("state filter", "f", True)] * 3 + [("clear filter", "Escape", False)]
            plan += [("sort", "o", True)] * 3 + [("sort", "O", True)]
            plan += [("page switch", k, True) for k in "134521"]
            plan += [("page switch", "2", True)]
        open(timings, "w").close()
        kinds = []
        for kind, key, literal in plan:
            before = os.path.getsize(timings)
            tmux(sock, "send-keys", *(["-l", key] if literal else [key]))
            end = time.time() + 30
            while os.path.getsize(timings) == before and time.time() < end:
                time.sleep(0.005)
            if os.path.getsize(timings) == before:
                sys.exit(f"no frame after the key {key!r} ({kind}):\n" + screen(sock))
            kinds.append(kind)
            time.sleep(args.pause)
        with open(timings) as f:
            micros = [int(line.split()[1]) for line in f if line.strip()]
        by_kind = {}
        for kind, us in zip(kinds, micros):
            by_kind.setdefault(kind, []).append(us / 1000.0)
        print(f"store: {args.db} ({rows} rows)  terminal {args.cols}x{args.rows}  matrix shown after {shown:.1f} s")
        print(f"{'keys':<15}{'n':>5}{'median ms':>11}{'p95 ms':>9}{'max ms':>9}")
        everything = []
        for kind, ms in by_kind.items():
            everything += ms
            ms.sort()
            p95 = ms[min(len(ms) - 1, int(round(0.95 * (len(ms) - 1))))]
            print(f"{kind:<15}{len(ms):>5}{statistics.median(ms):>11.1f}{p95:>9.1f}{max(ms):>9.1f}")
        everything.sort()
        print(f"{'all':<15}{len(everything):>5}{statistics.median(everything):>11.1f}"
              f"{everything[int(0.95 * (len(everything) - 1))]:>9.1f}{everything[-1]:>9.1f}")
        print(f"peak resident memory: {peak_rss_kib(pid) / 1024:.0f} MiB")
        tmux(sock, "send-keys", "q")
    finally:
        tmux(sock, "kill-server")


if __name__ == "__main__":
    main()
