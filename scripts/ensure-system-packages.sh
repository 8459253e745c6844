#!/bin/sh
# Installs the Debian packages the end-to-end tests drive (the real `openstack loadbalancer` CLI), when running as
# root and they are missing. A policy-rc.d that exits 101 keeps packages from starting services on install.
set -e
command -v openstack >/dev/null 2>&1 && python3 -c 'import octaviaclient' 2>/dev/null && exit 0
[ "$(id -u)" = 0 ] || { echo "not root: skipping Debian packages for end-to-end tests" >&2; exit 0; }
created=""
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && created=1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
apt-get install -y -q --no-install-recommends python3-openstackclient python3-octaviaclient >/dev/null
[ -z "$created" ] || rm -f /usr/sbin/policy-rc.d
