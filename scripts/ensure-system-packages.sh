#!/bin/sh
# Installs the Debian packages the tests drive when running as root and they are missing: the real `openstack
# loadbalancer` CLI for the end-to-end tests and `ping` for PING health monitors. A policy-rc.d that exits 101
# keeps packages from starting services on install.
set -e
missing=""
{ command -v openstack >/dev/null 2>&1 && python3 -c 'import octaviaclient' 2>/dev/null; } ||
  missing="python3-openstackclient python3-octaviaclient"
command -v ping >/dev/null 2>&1 || missing="$missing iputils-ping"
[ -n "$missing" ] || exit 0
[ "$(id -u)" = 0 ] || { echo "not root: not installing$missing; tests that need them skip" >&2; exit 0; }
created=""
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && created=1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing >/dev/null
[ -z "$created" ] || rm -f /usr/sbin/policy-rc.d
