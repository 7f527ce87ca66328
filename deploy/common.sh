# Shared by deploy/up and deploy/down (sourced, not run): the settings, where everything lives, and process helpers.
# Every port is on 127.0.0.1 and can be moved with its variable.

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$here")

state=${LEDGER_HA_DIR:-$PWD/.ha}
etcd_port=${LEDGER_HA_ETCD_PORT:-2379}
etcd_peer_port=${LEDGER_HA_ETCD_PEER_PORT:-2380}
pg_ports=(${LEDGER_HA_PG1_PORT:-5433} ${LEDGER_HA_PG2_PORT:-5434})
rest_ports=(${LEDGER_HA_PATRONI1_PORT:-8008} ${LEDGER_HA_PATRONI2_PORT:-8009})
db_port=${LEDGER_HA_DB_PORT:-5000}
service_port=${LEDGER_HA_SERVICE_PORT:-5140}
stats_port=${LEDGER_HA_STATS_PORT:-7000}
read -r -a node_ports <<< "${LEDGER_HA_NODE_PORTS:-5141 5142 5143}"
pg_bin=${LEDGER_HA_PG_BIN:-/usr/lib/postgresql/15/bin}

run=$state/run
logs=$state/log
secrets=$state/secrets
# Marks a folder as made by deploy/up, so that `down --purge` never removes a folder it did not make.
marker=$state/.ledger-ha

# PostgreSQL refuses to run as root: as root, the database nodes run as the package's unprivileged postgres user.
if [ "$(id -u)" -eq 0 ]; then
  pg_user=${LEDGER_HA_PG_USER:-postgres}
else
  pg_user=$(id -un)
fi

as_pg_prefix=()
[ "$(id -un)" = "$pg_user" ] || as_pg_prefix=(runuser -u "$pg_user" --)

say() { printf '%s\n' "$*" >&2; }
die() { say "deploy: $*"; exit 1; }

tool() {
  local name=$1
  command -v "$name" 2>/dev/null || { [ -x "/usr/sbin/$name" ] && echo "/usr/sbin/$name"; } || return 1
}

alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }

pid_of() { [ -s "$1" ] && head -n1 "$1" || true; }

# running PIDFILE WORD: the pid in PIDFILE, if that process is alive and its command line holds WORD (a pid file
# left from before a reboot may name somebody else's process).
running() {
  local pid
  pid=$(pid_of "$1")
  alive "$pid" && tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$2" && echo "$pid" || true
}

# The postmaster of a node's data folder, while it runs (a patroni that was killed leaves it running).
postmaster_of() {
  local file=$1/data/postmaster.pid pid
  [ -r "$file" ] || return 0
  pid=$(head -n1 "$file")
  alive "$pid" && echo "$pid" || true
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# wait_for SECONDS WHAT COMMAND...: runs COMMAND every half second until it succeeds (0), or gives up (2: no use
# waiting longer); 1 when SECONDS have passed.
wait_for() {
  local seconds=$1
  shift 2
  local until=$((SECONDS + seconds)) status
  while true; do
    status=0
    "$@" >/dev/null 2>&1 || status=$?
    [ $status -ne 0 ] || return 0
    [ $status -ne 2 ] || return 2
    [ "$SECONDS" -lt "$until" ] || return 1
    sleep 0.5
  done
}

# stop NAME PID [SECONDS]: SIGTERM, then SIGKILL if it has not ended after SECONDS.
stop() {
  local name=$1 pid=$2 seconds=${3:-30}
  alive "$pid" || return 0
  kill -TERM "$pid" 2>/dev/null || true
  local until=$((SECONDS + seconds))
  while alive "$pid" && [ "$SECONDS" -lt "$until" ]; do sleep 0.2; done
  if alive "$pid"; then
    say "$name ($pid) did not stop in ${seconds}s: killed"
    kill -KILL "$pid" 2>/dev/null || true
  fi
}
