#!/usr/bin/env bash
# LibreOffice Impress for the deck render test (a deck converted to PDF must not be blank) and
# poppler-utils (pdfinfo, pdftoppm: the PDF and deck tests read the printed pages with them),
# installed where this machine allows it (called by `make test`):
#   1. `soffice` and `pdftoppm` are on the PATH: nothing to do;
#   2. Debian/Ubuntu as root or with passwordless sudo: apt-get install libreoffice-impress
#      poppler-utils;
#   3. otherwise one line saying what to install. Never fails: without it the render test is
#      skipped with the reason (and fails under HAEFEN_REQUIRE_BROWSER=1, as in .ci/run).
set -u
command -v soffice >/dev/null 2>&1 && command -v pdftoppm >/dev/null 2>&1 && exit 0

cd "$(dirname "$0")/.."
# shellcheck source=scripts/apt_install.sh
. scripts/apt_install.sh
if apt_can; then
  echo "LibreOffice: installiere libreoffice-impress und poppler-utils (apt-get) …"
  apt_install libreoffice-impress poppler-utils
  command -v soffice >/dev/null 2>&1 && command -v pdftoppm >/dev/null 2>&1 && exit 0
fi

echo "Hinweis: LibreOffice (soffice) oder poppler-utils (pdftoppm) fehlt; bitte installieren" \
  "(Debian/Ubuntu: sudo apt-get install libreoffice-impress poppler-utils). Die Tests, die" \
  "Foliensätze und PDFs als Bilder prüfen, werden übersprungen. / LibreOffice or poppler-utils" \
  "missing: install libreoffice-impress poppler-utils; the render tests are skipped."
exit 0
