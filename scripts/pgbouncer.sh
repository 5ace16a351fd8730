#!/usr/bin/env bash
# PgBouncer in transaction pooling mode on 127.0.0.1:6432 in front of 127.0.0.1:5432, the way
# serverless deployments put a pooler (RDS Proxy, Neon's pooler, Supavisor) in front of Postgres.
#
#   scripts/pgbouncer.sh [start]   start if nothing listens on 6432 yet (idempotent)
#   scripts/pgbouncer.sh stop      stop the instance this script started
#   scripts/pgbouncer.sh restart   stop, then start (tests use it to prove recovery)
#
# Config, pid and log live in $PGBOUNCER_DIR (default /tmp/gaia-pgbouncer). PgBouncer refuses to
# run as root, so as root it drops to the `postgres` user.
set -euo pipefail

LISTEN_HOST=127.0.0.1
LISTEN_PORT="${PGBOUNCER_PORT:-6432}"
PG_HOST="${PGBOUNCER_PG_HOST:-127.0.0.1}"
PG_PORT="${PGBOUNCER_PG_PORT:-5432}"
USERS="${PGBOUNCER_USERS:-postgres}" # space-separated roles allowed in (trust auth still needs them listed)
RUN_DIR="${PGBOUNCER_DIR:-/tmp/gaia-pgbouncer}"
RUN_AS=postgres

fail() {
  echo "pgbouncer.sh: $*" >&2
  exit 1
}

listening() {
  (exec 3<>"/dev/tcp/${LISTEN_HOST}/${LISTEN_PORT}") 2>/dev/null
}

wait_until() { # wait_until <up|down> <seconds>
  local want="$1" tries=$(($2 * 10))
  for ((i = 0; i < tries; i++)); do
    if [[ "$want" == up ]] && listening; then return 0; fi
    if [[ "$want" == down ]] && ! listening; then return 0; fi
    sleep 0.1
  done
  return 1
}

ensure_installed() {
  command -v pgbouncer >/dev/null 2>&1 && return 0
  [[ "$(id -u)" == 0 ]] || fail "pgbouncer is not installed and installing it needs root (apt-get install pgbouncer)"
  echo "pgbouncer.sh: installing pgbouncer" >&2
  apt-get update >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y pgbouncer >/dev/null
  command -v pgbouncer >/dev/null 2>&1 || fail "pgbouncer still not found after apt-get install"
}

write_config() {
  mkdir -p "$RUN_DIR" || fail "cannot create $RUN_DIR"
  # trust auth still needs the users listed; the password field is unused.
  : >"$RUN_DIR/userlist.txt"
  for user in $USERS; do printf '"%s" ""\n' "$user" >>"$RUN_DIR/userlist.txt"; done
  cat >"$RUN_DIR/pgbouncer.ini" <<EOF
[databases]
; any database name is passed through to the same server
* = host=${PG_HOST} port=${PG_PORT}

[pgbouncer]
listen_addr = ${LISTEN_HOST}
listen_port = ${LISTEN_PORT}
unix_socket_dir =
auth_type = trust
auth_file = ${RUN_DIR}/userlist.txt
admin_users = postgres
pool_mode = transaction
max_client_conn = 500
default_pool_size = 20
; after a failed server login (PostgreSQL restarting), retry after 1 s instead of the default 15 s: with 15 s every
; client is refused for 15 s after a 0.35 s restart (docs/OPERATIONS.md, "PgBouncer")
server_login_retry = 1
; only this one is ignored: any other unknown startup parameter is refused, like real poolers do
ignore_startup_parameters = extra_float_digits
logfile = ${RUN_DIR}/pgbouncer.log
pidfile = ${RUN_DIR}/pgbouncer.pid
EOF
}

start() {
  if listening; then
    echo "pgbouncer.sh: something already listens on ${LISTEN_HOST}:${LISTEN_PORT}; leaving it" >&2
    return 0
  fi
  ensure_installed
  write_config
  rm -f "$RUN_DIR/pgbouncer.pid"
  local user_flag=()
  if [[ "$(id -u)" == 0 ]]; then
    id "$RUN_AS" >/dev/null 2>&1 || fail "user '$RUN_AS' does not exist (pgbouncer refuses to run as root)"
    chown -R "$RUN_AS" "$RUN_DIR"
    user_flag=(-u "$RUN_AS")
  fi
  pgbouncer -d "${user_flag[@]}" "$RUN_DIR/pgbouncer.ini" ||
    fail "pgbouncer did not start; see $RUN_DIR/pgbouncer.log"
  wait_until up 10 || fail "pgbouncer is not accepting connections on ${LISTEN_HOST}:${LISTEN_PORT}; see $RUN_DIR/pgbouncer.log"
  echo "pgbouncer.sh: listening on ${LISTEN_HOST}:${LISTEN_PORT} (transaction pooling -> ${PG_HOST}:${PG_PORT})" >&2
}

stop() {
  local pidfile="$RUN_DIR/pgbouncer.pid"
  if [[ -s "$pidfile" ]]; then
    kill "$(cat "$pidfile")" 2>/dev/null || true
  elif listening; then
    fail "${LISTEN_HOST}:${LISTEN_PORT} is served by a process this script did not start ($pidfile missing)"
  fi
  wait_until down 10 || fail "pgbouncer still listens on ${LISTEN_HOST}:${LISTEN_PORT} after SIGTERM"
  rm -f "$pidfile"
}

case "${1:-start}" in
start) start ;;
stop) stop ;;
restart)
  stop
  start
  ;;
*) fail "usage: $0 [start|stop|restart]" ;;
esac
