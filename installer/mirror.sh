# Sourced by the chroot scripts (kf6-check.sh, package-check.sh): no package host is written
# into the project; the archive is the one this machine already installs from.
# The archive this machine installs from: the first URI of a deb822 source whose suites
# are not the security ones, else the first "deb" line of sources.list.
machine_mirror() {
  local f found=""
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    found+="$(awk 'BEGIN{RS=""} /Types:[^\n]*deb/ && !/Suites:[^\n]*-security/ {
           for (i = 1; i <= NF; i++) if ($i == "URIs:") { print $(i + 1); exit } }' "$f")"$'\n'
  done
  if [ -f /etc/apt/sources.list ]; then
    found+="$(awk '$1 == "deb" && $0 !~ /security/ { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; exit } }' /etc/apt/sources.list)"
  fi
  # The first one found; no pipe into head, which under pipefail could fail the script.
  local line
  while IFS= read -r line; do
    if [ -n "$line" ]; then
      printf '%s\n' "$line"
      return 0
    fi
  done <<<"$found"
  return 0
}
