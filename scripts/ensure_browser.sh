#!/usr/bin/env bash
# A browser for PNG, PDF and deck exports, installed where this machine allows it (called by
# `make test` and `make reports`; needs .venv):
#   1. one is found already (the package's own search, the one kaleido uses): nothing to do;
#   2. Debian/Ubuntu as root or with passwordless sudo: apt-get install chromium;
#   3. otherwise Chrome for Testing through kaleido (`plotly_get_chrome -y`), if a network
#      allows (it downloads from Google's servers; bounded to 5 minutes);
#   4. otherwise one line saying what to install. Never fails: without a browser the exports
#      fail at once with the same line, and `make reports` skips them (see README).
# A BROWSER_PATH that points nowhere is the user's choice: reported, nothing installed.
set -u
cd "$(dirname "$0")/.."
py=.venv/bin/python
find_browser() {
  "$py" -c 'from haefen_analysis.common.browser import find; print(find())' 2>/dev/null
}
explain() {
  "$py" -c 'from haefen_analysis.common.browser import find
try:
    find()
except Exception as exc:
    print(f"Hinweis: {exc}")'
}

find_browser >/dev/null && exit 0
if [ -n "${BROWSER_PATH:-}" ]; then
  explain
  exit 0
fi

# shellcheck source=scripts/apt_install.sh
. scripts/apt_install.sh
if apt_can; then
  echo "Browser: installiere Debians chromium (apt-get) …"
  apt_install chromium fonts-dejavu-core
  find_browser >/dev/null && exit 0
fi

if [ -x .venv/bin/plotly_get_chrome ]; then
  echo "Browser: lade Chrome for Testing (plotly_get_chrome) …"
  timeout 300 .venv/bin/plotly_get_chrome -y </dev/null >/dev/null 2>&1
  find_browser >/dev/null && exit 0
fi

explain
echo "Hinweis: ohne Browser überspringt \`make reports\` PDF und Foliensätze; die Tests, die einen" \
  "Browser brauchen, werden übersprungen."
exit 0
