#!/usr/bin/env bash
# Stops the Kafka broker infra/up.sh started. PostgreSQL, Redis and NATS belong to the
# machine and keep running unless --all is given.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

bash "$here/kafka.sh" down
if [[ "${1:-}" == "--all" ]]; then
  redis-cli -p 6379 shutdown nosave 2> /dev/null || true
  start-stop-daemon --stop --oknodo --exec "$(command -v nats-server)" || true
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n1)" main stop || true
  echo "infra: postgres, redis and nats stopped"
fi
