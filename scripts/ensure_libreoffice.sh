#!/usr/bin/env bash
# LibreOffice Impress for the deck render test (a deck converted to PDF must not be blank),
# installed where this machine allows it (called by `make test`):
#   1. `soffice` is on the PATH: nothing to do;
#   2. Debian/Ubuntu as root or with passwordless sudo: apt-get install libreoffice-impress;
#   3. otherwise one line saying what to install. Never fails: without it the render test is
#      skipped with the reason (and fails under HAEFEN_REQUIRE_BROWSER=1, as in .ci/run).
set -u
command -v soffice >/dev/null 2>&1 && exit 0

cd "$(dirname "$0")/.."
# shellcheck source=scripts/apt_install.sh
. scripts/apt_install.sh
if apt_can; then
  echo "LibreOffice: installiere libreoffice-impress (apt-get) …"
  apt_install libreoffice-impress poppler-utils
  command -v soffice >/dev/null 2>&1 && exit 0
fi

echo "Hinweis: kein LibreOffice (soffice) gefunden; bitte libreoffice-impress installieren" \
  "(Debian/Ubuntu: sudo apt-get install libreoffice-impress). Der Test, der einen Foliensatz" \
  "als PDF rendert, wird übersprungen. / No LibreOffice found: install libreoffice-impress;" \
  "the deck render test is skipped."
exit 0
