# Sourced by ensure_browser.sh and ensure_libreoffice.sh (one home for installing Debian
# packages where this machine allows it): `apt_can` says whether apt-get can run here (as root
# or with passwordless sudo), `apt_install PKG…` installs quietly and bounded (15 minutes; after
# a failed try one `apt-get update` of at most 5 minutes, then again).
apt_sudo=()
apt_can() {
  command -v apt-get >/dev/null 2>&1 || return 1
  [ "$(id -u)" = 0 ] && return 0
  command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null || return 1
  apt_sudo=(sudo -n)
}
apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  local get=(timeout 900 "${apt_sudo[@]}" apt-get install -y -qq --no-install-recommends "$@")
  "${get[@]}" >/dev/null 2>&1 && return 0
  timeout 300 "${apt_sudo[@]}" apt-get update -qq >/dev/null 2>&1 && "${get[@]}" >/dev/null 2>&1
}
