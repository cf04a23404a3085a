#!/usr/bin/env bash
# Installs the system packages Trawl builds and tests with on Debian/Ubuntu (needs root or sudo).
set -euo pipefail
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends \
  build-essential python3 pkg-config libpcap-dev libcap2-bin \
  tshark tcpdump iproute2 iputils-ping \
  chromium xvfb xauth fonts-dejavu-core \
  nginx-light dnsmasq-base curl bind9-dnsutils openssl busybox socat clang-format \
  >/dev/null
