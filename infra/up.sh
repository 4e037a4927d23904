#!/usr/bin/env bash
# Brings up what the platform needs on a Debian machine, without Docker:
# PostgreSQL, Redis and NATS (started if not answering, installed from apt only if missing)
# and a single-node Kafka in KRaft mode (infra/kafka.sh). Safe to run again at any time.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

answers() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_for() { # name port seconds
  local deadline=$((SECONDS + $3))
  until answers "$2"; do
    (( SECONDS > deadline )) && { echo "infra: $1 not answering on 127.0.0.1:$2 after $3s" >&2; return 1; }
    sleep 0.5
  done
  echo "infra: $1 answering on 127.0.0.1:$2"
}

apt_updated=0
ensure_package() { # binary package
  command -v "$1" > /dev/null && return 0
  if (( apt_updated == 0 )); then apt-get update -qq; apt_updated=1; fi
  echo "infra: installing $2 from apt"
  # policy-rc.d keeps the package's own service from starting; this script starts it.
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$2" > /dev/null
  rm -f /usr/sbin/policy-rc.d
}

postgres() {
  if ! answers 5432; then
    ensure_package pg_ctlcluster postgresql
    local version; version="$(ls /etc/postgresql | sort -V | tail -n1)"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start
  fi
  wait_for postgres 5432 30
  # Local connections are trusted on this kind of machine; say so if they are not.
  psql -h 127.0.0.1 -U postgres -d postgres -Atqc 'SELECT 1' > /dev/null \
    || { echo "infra: postgres answers but user postgres cannot log in without a password" >&2; return 1; }
}

redis() {
  if ! answers 6379; then
    ensure_package redis-server redis-server
    mkdir -p /var/lib/redis /var/log/redis
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
      --dir /var/lib/redis --logfile /var/log/redis/ci.log
  fi
  wait_for redis 6379 30
}

nats() {
  if ! answers 4222; then
    ensure_package nats-server nats-server
    mkdir -p /var/lib/nats-server
    start-stop-daemon --start --oknodo --background --exec "$(command -v nats-server)" -- \
      -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log
  fi
  wait_for nats 4222 30
}

postgres
redis
nats
bash "$here/kafka.sh" up
# promtool (Debian package prometheus) is what the test suite checks /metrics with.
ensure_package promtool prometheus
# kcat reads the relay's topics the way an outside consumer would (test/integration/relay).
ensure_package kcat kcat
