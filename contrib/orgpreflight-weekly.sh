#!/bin/sh
# The weekly audit, as the systemd service and the cron example run it:
#   orgpreflight-weekly.sh STATE_DIR [TEXTFILE_DIR]
# In STATE_DIR it keeps report.json (the latest), previous.json (the one before), report.html, diff.md (what
# changed between the two, `orgpreflight diff`) and orgpreflight.prom; with TEXTFILE_DIR it also publishes the
# metrics there for node_exporter's textfile collector (atomically). The configuration is found as usual
# (docs/config.md: /etc/orgpreflight/config.json for a service); ORGPREFLIGHT_ARGS adds audit options.
# Exits with the audit's code: 0 ready, 1 not ready, 2 undetermined, 3 could not run.
set -eu
state=${1:?usage: orgpreflight-weekly.sh STATE_DIR [TEXTFILE_DIR]}
textfile=${2:-}
cd "$state"
if [ -e report.json ]; then
  cp -f report.json previous.json
fi
rc=0
# shellcheck disable=SC2086 # ORGPREFLIGHT_ARGS is a list of options
orgpreflight audit --quiet ${ORGPREFLIGHT_ARGS:-} --format json -o report.json --format html -o report.html \
  --format prometheus -o orgpreflight.prom || rc=$?
if [ "$rc" -gt 2 ]; then
  exit "$rc"
fi
if [ -e previous.json ]; then
  # exits 1 when a failure is new: that is news for diff.md, not an error of this run
  orgpreflight diff previous.json report.json --format markdown -o diff.md || [ $? -eq 1 ]
fi
if [ -n "$textfile" ]; then
  cp -f orgpreflight.prom "$textfile/.orgpreflight.prom.tmp"
  mv -f "$textfile/.orgpreflight.prom.tmp" "$textfile/orgpreflight.prom"
fi
exit "$rc"
