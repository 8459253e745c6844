#!/bin/sh
# Installs the Debian packages the tests drive when running as root and they are missing: the real `openstack
# loadbalancer` and `openstack secret` CLIs for the end-to-end tests, `ping` for PING health monitors, and Keystone
# (run by uwsgi, which it depends on) for the identity end-to-end tests, HAProxy and nginx for the PROXY protocol interop tests, nftables,
# conntrack, iproute2 and curl for the kernel provider tests (in network namespaces of their own), and `dig`
# (bind9-dnsutils) for the DNS server tests, and Debian's chromium for the dashboard's browser tests (driven by
# playwright-core; never a browser download). A policy-rc.d that exits 101 keeps packages from starting services on
# install; the tests start their own Keystone, HAProxy and nginx on free loopback ports.
set -e
missing=""
{ command -v openstack >/dev/null 2>&1 && python3 -c 'import octaviaclient' 2>/dev/null; } ||
  missing="python3-openstackclient python3-octaviaclient"
/usr/bin/python3 -c 'import barbicanclient' 2>/dev/null || missing="$missing python3-barbicanclient"
/usr/bin/python3 -c 'import prometheus_client' 2>/dev/null || missing="$missing python3-prometheus-client"
command -v ping >/dev/null 2>&1 || missing="$missing iputils-ping"
{ command -v keystone-manage >/dev/null 2>&1 && [ -e /usr/lib/uwsgi/plugins/python3_plugin.so ]; } ||
  missing="$missing keystone"
command -v haproxy >/dev/null 2>&1 || missing="$missing haproxy"
command -v nginx >/dev/null 2>&1 || missing="$missing nginx"
command -v nft >/dev/null 2>&1 || missing="$missing nftables"
command -v conntrack >/dev/null 2>&1 || missing="$missing conntrack"
command -v ip >/dev/null 2>&1 || missing="$missing iproute2"
command -v curl >/dev/null 2>&1 || missing="$missing curl"
command -v dig >/dev/null 2>&1 || missing="$missing bind9-dnsutils"
[ -x /usr/bin/chromium ] || missing="$missing chromium"
[ -n "$missing" ] || exit 0
[ "$(id -u)" = 0 ] || { echo "not root: not installing$missing; tests that need them skip" >&2; exit 0; }
created=""
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && created=1
fi
export DEBIAN_FRONTEND=noninteractive
# Keystone's postinst would otherwise offer to configure a database and register its own endpoint.
printf '%s\n' 'keystone keystone/configure_db boolean false' 'keystone keystone/register-endpoint boolean false' |
  debconf-set-selections
apt-get update -q >/dev/null
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing >/dev/null
[ -z "$created" ] || rm -f /usr/sbin/policy-rc.d
case " $missing " in
*" keystone "*)
  # Its postinst enables the packaged service (uwsgi on port 5000) for the next boot: disable it, and stop it should
  # a policy-rc.d that allowed starting have let it run.
  systemctl disable keystone >/dev/null 2>&1 || true
  update-rc.d keystone disable >/dev/null 2>&1 || true
  if [ -e /var/run/keystone/keystone.pid ]; then /etc/init.d/keystone stop >/dev/null 2>&1 || true; fi
  ;;
esac
# Their packaged services (nginx's default site listens on port 80) must not start at the next boot either; stop them
# should a policy-rc.d that allowed starting have let them run.
for service in haproxy nginx; do
  case " $missing " in
  *" $service "*)
    systemctl disable "$service" >/dev/null 2>&1 || true
    update-rc.d "$service" disable >/dev/null 2>&1 || true
    /etc/init.d/"$service" stop >/dev/null 2>&1 || true
    ;;
  esac
done
