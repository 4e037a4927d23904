#!/usr/bin/env bash
# Runs one Apache Kafka broker in KRaft mode on 127.0.0.1 from jars fetched off Maven Central.
#   bash infra/kafka.sh up | down | status
# State lives in $KAFKA_HOME_DIR (default <repo>/.infra/kafka): lib/ jars, data/, logs/, pid.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
home="${KAFKA_HOME_DIR:-$root/.infra/kafka}"
port="${KAFKA_PORT:-9092}"
controller_port="${KAFKA_CONTROLLER_PORT:-9093}"
heap="${KAFKA_HEAP:--Xms256m -Xmx512m}"
lib="$home/lib"
data="$home/data"
logs="$home/logs"
pidfile="$home/kafka.pid"
config="$home/server.properties"

answers() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

running_pid() {
  [[ -f "$pidfile" ]] || return 1
  local pid; pid="$(cat "$pidfile")"
  kill -0 "$pid" 2>/dev/null && echo "$pid"
}

fetch_jars() {
  # The pom's checksum marks which jar set is in lib/, so a version bump refetches.
  local stamp="$lib/.pom.sha256" want
  want="$(sha256sum "$here/kafka/pom.xml" | cut -d' ' -f1)"
  [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]] && return 0
  echo "kafka: fetching broker jars from Maven Central into $lib"
  rm -rf "$lib" && mkdir -p "$lib"
  mvn -q -B -Dstyle.color=never -f "$here/kafka/pom.xml" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$lib"
  echo "$want" > "$stamp"
}

write_config() {
  cp "$here/kafka/server.properties" "$config"
  cat >> "$config" <<PROPS
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.quorum.voters=1@127.0.0.1:$controller_port
log.dirs=$data
PROPS
}

# $heap is deliberately split into its flags.
# shellcheck disable=SC2206
java_opts=($heap -XX:+UseG1GC -Djava.awt.headless=true
  -Dlog4j2.configurationFile="$here/kafka/log4j2.properties" -Dkafka.logs.dir="$logs" -cp "$lib/*")

format_once() {
  # Formatting is what gives the storage its cluster id; do it only on first start.
  [[ -f "$data/meta.properties" ]] && return 0
  mkdir -p "$data"
  local cluster_id
  cluster_id="$(java "${java_opts[@]}" kafka.tools.StorageTool random-uuid | tail -n1)"
  echo "kafka: formatting storage in $data (cluster $cluster_id)"
  if ! java "${java_opts[@]}" kafka.tools.StorageTool format -t "$cluster_id" -c "$config" > "$logs/format.log" 2>&1; then
    echo "kafka: formatting failed:" >&2
    cat "$logs/format.log" >&2
    rm -rf "$data"
    return 1
  fi
}

up() {
  if answers "$port"; then
    echo "kafka: something already answers on 127.0.0.1:$port; leaving it"
    return 0
  fi
  mkdir -p "$home" "$logs"
  fetch_jars
  write_config
  format_once
  echo "kafka: starting broker, log file $logs/server.log"
  # A session of its own, so the broker outlives the script (and the CI step) that started it.
  setsid java "${java_opts[@]}" kafka.Kafka "$config" > "$logs/stdout.log" 2>&1 < /dev/null &
  echo $! > "$pidfile"
  wait_ready
}

wait_ready() {
  local deadline=$((SECONDS + ${KAFKA_START_TIMEOUT:-90}))
  until answers "$port" && grep -q "Kafka Server started" "$logs/server.log" 2>/dev/null; do
    if ! running_pid > /dev/null; then
      echo "kafka: broker exited during start; last lines of $logs:" >&2
      tail -n 30 "$logs/server.log" "$logs/stdout.log" >&2 2>/dev/null || true
      return 1
    fi
    if (( SECONDS > deadline )); then
      echo "kafka: not ready after ${KAFKA_START_TIMEOUT:-90}s; last lines of $logs/server.log:" >&2
      tail -n 30 "$logs/server.log" >&2 || true
      return 1
    fi
    sleep 0.5
  done
  echo "kafka: ready on 127.0.0.1:$port (pid $(cat "$pidfile"))"
}

down() {
  local pid
  if ! pid="$(running_pid)"; then
    echo "kafka: not running (no live pid in $pidfile)"
    return 0
  fi
  echo "kafka: stopping pid $pid"
  kill -TERM "$pid"
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || { rm -f "$pidfile"; echo "kafka: stopped"; return 0; }; sleep 0.5; done
  echo "kafka: still running after 30s; killing" >&2
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$pidfile"
}

status() {
  if answers "$port"; then echo "kafka: answering on 127.0.0.1:$port (log $logs/server.log)"; else echo "kafka: not answering on 127.0.0.1:$port"; return 1; fi
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
