#!/usr/bin/env bash
# Gemgate benchmark: starts the Gemini emulator, an nginx proxy_pass in front of it, a bare Vert.x proxy (the Java
# reference path) and Gemgate (fresh data directory) on free loopback ports, runs the load driver
# (dev.gemgate.bench.Bench) against the four paths, prints one table, and always stops every server. Run by hand, never by the test suite. See infra/bench/README.md.
#
#   infra/bench/run.sh [--quick] [--skip-gemgate] [--keep-tmp] [--policies on|off] [--embed-batching on|off]
#                      [--embed-window 5ms] [--embed-only] [-- driver flags...]
#
# --policies on (the default): Gemgate runs with every policy of issue 21 on: rate limits (tenant, tenant x model, key,
# upstream) and a tenant budget far above what the run can reach, and tracing exported to an OTLP sink (nginx).
# --policies off: Gemgate's own defaults (no limits, no budget, no tracing).
#
# Driver flags (java -jar infra/bench/target/gemgate-bench.jar --help) go after "--", e.g.
#   infra/bench/run.sh -- --seq-rounds 3 --tp-duration-s 20 --inflight 2000
# Environment: JAVA_HOME (a JDK >= 21; else /usr/lib/jvm/temurin-25-jdk-amd64), GEMGATE_JAVA_OPTS,
# EMULATOR_JAVA_OPTS, NGINX_WORKERS (default: auto), REFERENCE_JAVA_OPTS and REFERENCE_LOOPS (the reference proxy's JVM
# options and event loops, default: one per core; -Dgemgate.bench.native-transport=true puts it on epoll).
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$BENCH_DIR/../.." && pwd)
EMULATOR_JAR=$REPO/infra/gemini-emulator/target/gemgate-emulator.jar
APP_JAR=$REPO/infra/app/target/quarkus-app/quarkus-run.jar
BENCH_JAR=$BENCH_DIR/target/gemgate-bench.jar

QUICK=0 SKIP_GEMGATE=0 KEEP_TMP=0 EMBED_BATCHING="" EMBED_WINDOW="" EMBED_ONLY=0 POLICIES=on
DRIVER_ARGS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1 ;;
    --skip-gemgate) SKIP_GEMGATE=1 ;;
    --keep-tmp) KEEP_TMP=1 ;;
    --embed-batching) shift; EMBED_BATCHING=${1:-}
      case "$EMBED_BATCHING" in on|off) ;; *) echo "run.sh: --embed-batching takes on or off" >&2; exit 2 ;; esac ;;
    --embed-window) shift; EMBED_WINDOW=${1:-} ;;
    --embed-only) EMBED_ONLY=1 ;;
    --policies) shift; POLICIES=${1:-}
      case "$POLICIES" in on|off) ;; *) echo "run.sh: --policies takes on or off" >&2; exit 2 ;; esac ;;
    --) shift; DRIVER_ARGS=("$@"); break ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown argument $1 (driver flags go after --)" >&2; exit 2 ;;
  esac
  shift
done
if [ "$QUICK" = 1 ]; then # a smoke run of about a minute: same code, small counts
  DRIVER_ARGS=(--seq-warmup 300 --seq-requests 500 --tp-warmup-s 1 --tp-duration-s 3 --inflight 1000
               --stream-warmup 20 --stream-requests 60 --stream-inflight 300 "${DRIVER_ARGS[@]}")
fi

# micro-batching of embeddings: Gemgate's setting (default: its configuration, on) and the report's label
EMBED_OPTS=() EMBED_LABEL="on (Gemgate's default)"
if [ "$EMBED_BATCHING" = off ]; then EMBED_OPTS+=(-Dgemgate.upstream.embed-batching.enabled=false); EMBED_LABEL=off; fi
if [ "$EMBED_BATCHING" = on ]; then EMBED_OPTS+=(-Dgemgate.upstream.embed-batching.enabled=true); EMBED_LABEL=on; fi
if [ -n "$EMBED_WINDOW" ]; then
  EMBED_OPTS+=(-Dgemgate.upstream.embed-batching.window="$EMBED_WINDOW"); EMBED_LABEL="$EMBED_LABEL, window $EMBED_WINDOW"
fi
[ "$EMBED_ONLY" = 1 ] && DRIVER_ARGS=(--embed-only true "${DRIVER_ARGS[@]}")

# Issue 21 measures Gemgate "with every policy on": authentication and scopes, quota with leased slices, the budget
# ledger, cache lookup, audit, metrics and tracing. Authentication, scopes, the response cache (its default policy: 5 m,
# deterministic requests), audit and metrics are always on; the rate limits and the budget are off until configured, so
# --policies on sets them "on but never hit" (10^10 per minute or day, 100,000 in flight per key, 1,000,000 USD a
# month per tenant), and turns tracing on by giving it an OTLP endpoint: a sink in nginx that answers 200 to every
# export and logs each one (the tracing evidence). The names are checked by GemgateConfig, which refuses unknown keys.
BIG=10000000000
POLICY_OPTS=() POLICY_LABEL=""
if [ "$POLICIES" = on ]; then
  POLICY_OPTS=(
    -Dgemgate.quota.tenant.requests-per-minute=$BIG -Dgemgate.quota.tenant.tokens-per-minute=$BIG
    -Dgemgate.quota.tenant-model.requests-per-minute=$BIG
    -Dgemgate.quota.key.requests-per-minute=$BIG -Dgemgate.quota.key.requests-per-day=$BIG
    -Dgemgate.quota.key.concurrent-requests=100000
    "-Dgemgate.upstream.limits.\"gemini*\".requests-per-minute=$BIG"
    "-Dgemgate.upstream.limits.\"gemini*\".tokens-per-minute=$BIG"
    -Dgemgate.budget.tenant.limit-usd=1000000
  )
  POLICY_LABEL="on (run.sh --policies on): API-key authentication and scopes; rate limits leased in slices (tenant rpm and tpm, tenant x model rpm, key rpm, rpd and 100,000 concurrent: 10^10 each, never hit); upstream limits gemini* rpm and tpm 10^10; tenant budget 1,000,000 USD monthly (leased ledger); response cache (Gemgate's default: 5 m, deterministic requests); audit (async); metrics; tracing (OTLP http/protobuf to a sink, every request sampled)"
else
  POLICY_LABEL="off (run.sh --policies off): Gemgate's defaults: API-key authentication and scopes, response cache (5 m, deterministic requests), audit, metrics; no rate limits, no budget, no tracing"
fi

log() { echo "$(date +%H:%M:%S.%3N) run.sh: $*"; }
die() { echo "run.sh: $*" >&2; exit 1; }

# ------------------------------------------------------------------ JDK >= 21
java_major() { # the feature version of the java binary $1, or 0
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n1
}
pick_jdk() {
  local candidate major
  for candidate in ${JAVA_HOME:+"$JAVA_HOME"} /usr/lib/jvm/temurin-25-jdk-amd64; do
    [ -x "$candidate/bin/java" ] && [ -x "$candidate/bin/jcmd" ] || continue
    major=$(java_major "$candidate/bin/java"); major=${major:-0}
    if [ "$major" -ge 21 ]; then echo "$candidate"; return; fi
  done
  die "no JDK >= 21 found: set JAVA_HOME to one (tried \$JAVA_HOME${JAVA_HOME:+=$JAVA_HOME} and /usr/lib/jvm/temurin-25-jdk-amd64)"
}
JAVA_HOME=$(pick_jdk)
export JAVA_HOME
JAVA=$JAVA_HOME/bin/java
log "JDK $JAVA_HOME ($(java_major "$JAVA"))"

# ------------------------------------------------------------------ build what is missing
newer_sources() { [ -n "$(find "$BENCH_DIR/src" "$BENCH_DIR/pom.xml" -newer "$BENCH_JAR" -print -quit 2>/dev/null)" ]; }
if [ ! -f "$BENCH_JAR" ] || newer_sources; then
  log "building infra/bench"
  (cd "$REPO" && ./mvnw -q -B -pl infra/bench package)
fi
if [ ! -f "$EMULATOR_JAR" ]; then
  log "building infra/gemini-emulator"
  (cd "$REPO" && ./mvnw -q -B -pl infra/gemini-emulator -am package -DskipTests)
fi
if [ "$SKIP_GEMGATE" = 0 ] && [ ! -f "$APP_JAR" ]; then
  log "building infra/app (and the modules it needs)"
  (cd "$REPO" && ./mvnw -q -B -pl infra/app -am package -DskipTests)
fi

# ------------------------------------------------------------------ nginx (Debian's) if missing
if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
  [ "$(id -u)" = 0 ] || die "nginx is missing: apt-get install nginx (as root)"
  log "installing Debian's nginx"
  # keep apt from starting the system nginx service on port 80: a temporary policy-rc.d if there is none
  POLICY_CREATED=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && POLICY_CREATED=1
  fi
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx >/dev/null; } \
    || { [ "$POLICY_CREATED" = 0 ] || rm -f /usr/sbin/policy-rc.d; die "apt-get install nginx failed"; }
  [ "$POLICY_CREATED" = 0 ] || rm -f /usr/sbin/policy-rc.d
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
if ! command -v wrk >/dev/null 2>&1; then # the default throughput driver (--tp-tool wrk)
  if [ "$(id -u)" = 0 ]; then
    log "installing Debian's wrk"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk >/dev/null
  else
    log "wrk is missing (apt-get install wrk as root); pass -- --tp-tool java to drive throughput from Java instead"
  fi
fi

# ------------------------------------------------------------------ file descriptors
# 5,000 concurrent streams hold 5,000 sockets in the driver, 10,000 in Gemgate (client and upstream side) and 5,000 in
# the emulator: raise the soft limit to the hard one (each process started from here inherits it)
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt 12000 ]; then
  log "WARNING: ulimit -n is $(ulimit -n): 5,000 streams in flight need about 11,000 descriptors in Gemgate"
fi

# ------------------------------------------------------------------ processes, ports, cleanup
TMP=$(mktemp -d /tmp/gemgate-bench.XXXXXX)
EMU_PID="" NGINX_PID="" VX_PID="" GG_PID="" DRIVER_PID=""

alive() { [ -n "$1" ] && kill -0 "$1" 2>/dev/null; }
stop_pid() { # SIGTERM, then wait up to $3 seconds; never SIGKILL (Gemgate must stop its PostgreSQL)
  local pid=$1 name=$2 limit=$3 i
  alive "$pid" || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < limit * 10; i++)); do alive "$pid" || { wait "$pid" 2>/dev/null || true; return 0; }; sleep 0.1; done
  echo "run.sh: WARNING: $name (pid $pid) still running ${limit}s after SIGTERM; left running" >&2
}
stop_orphan_postgres() { # the embedded PostgreSQL outlives its JVM only if that was killed hard: stop it too
  local pidfile=$TMP/gemgate/.gemgate/postgres/postmaster.pid pgpid
  [ -f "$pidfile" ] || return 0
  pgpid=$(head -n1 "$pidfile" 2>/dev/null || true)
  if [ -n "$pgpid" ] && alive "$pgpid" && grep -q postgres "/proc/$pgpid/comm" 2>/dev/null; then
    log "stopping the embedded PostgreSQL left behind (pid $pgpid)"
    kill -TERM "$pgpid" 2>/dev/null || true
    for _ in $(seq 1 100); do alive "$pgpid" || break; sleep 0.1; done
  fi
}
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop_pid "$DRIVER_PID" driver 10
  stop_pid "$GG_PID" gemgate 60
  stop_orphan_postgres
  stop_pid "$NGINX_PID" nginx 10
  stop_pid "$VX_PID" "reference proxy" 10
  stop_pid "$EMU_PID" emulator 10
  if [ "$KEEP_TMP" = 1 ] || [ "$rc" != 0 ]; then
    echo "run.sh: logs kept in $TMP" >&2
  else
    rm -rf "$TMP"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

USED_PORTS=" "
free_port() { # a loopback port nobody listens on, outside the ephemeral range
  local p
  for _ in $(seq 1 200); do
    p=$((20000 + RANDOM % 12000))
    case "$USED_PORTS" in *" $p "*) continue ;; esac
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then USED_PORTS="$USED_PORTS$p "; echo "$p"; return; fi
  done
  die "no free port found"
}
wait_http() { # wait_http URL SECONDS PID NAME: poll until 200, or fail if the process dies or time runs out
  local url=$1 limit=$2 pid=$3 name=$4 deadline
  deadline=$(($(date +%s%N) + limit * 1000000000))
  while [ "$(date +%s%N)" -lt "$deadline" ]; do
    [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url" 2>/dev/null || true)" = 200 ] && return 0
    alive "$pid" || die "$name exited while starting (log: $TMP)"
    sleep 0.02
  done
  die "$name did not answer 200 on $url within ${limit}s (log: $TMP)"
}

EMU_PORT=$(free_port) NGINX_PORT=$(free_port) VX_PORT=$(free_port) GG_PORT=$(free_port) GG_MGMT_PORT=$(free_port) OTLP_PORT=$(free_port)
OTLP_LOG=$TMP/nginx/logs/otlp.log
if [ "$POLICIES" = on ]; then
  POLICY_OPTS+=(-Dquarkus.otel.exporter.otlp.traces.endpoint="http://127.0.0.1:$OTLP_PORT"
                -Dquarkus.otel.exporter.otlp.traces.protocol=http/protobuf)
fi

# ------------------------------------------------------------------ 1. the emulator
log "starting the Gemini emulator on 127.0.0.1:$EMU_PORT"
# shellcheck disable=SC2086
# --stamp-chunks: every streamed chunk carries "emulatorSentAtMicros" (the streaming phases time each chunk by it);
# unary replies are not stamped. The chunk delays are set per phase by the driver (CHUNK_DELAY faults, streams only).
"$JAVA" ${EMULATOR_JAVA_OPTS:-} -jar "$EMULATOR_JAR" --host 127.0.0.1 --port "$EMU_PORT" --stamp-chunks \
  >"$TMP/emulator.log" 2>&1 &
EMU_PID=$!
wait_http "http://127.0.0.1:$EMU_PORT/emulator/health" 30 "$EMU_PID" emulator

# ------------------------------------------------------------------ 2. nginx proxy_pass
mkdir -p "$TMP/nginx/logs"
NGINX_USER=""
if [ "$(id -u)" = 0 ]; then NGINX_USER="user nobody $(getent group nogroup >/dev/null && echo nogroup || echo nobody);"; fi
cat >"$TMP/nginx/nginx.conf" <<EOF
# generated by infra/bench/run.sh: a plain reverse proxy, keep-alive on both sides, no logging, no buffering to disk
$NGINX_USER
worker_processes ${NGINX_WORKERS:-auto};
daemon off;
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/logs/error.log warn;
events { worker_connections 16384; }
http {
  access_log off;
  client_body_temp_path $TMP/nginx/client_body;
  proxy_temp_path $TMP/nginx/proxy;
  fastcgi_temp_path $TMP/nginx/fastcgi;
  uwsgi_temp_path $TMP/nginx/uwsgi;
  scgi_temp_path $TMP/nginx/scgi;
  keepalive_requests 1000000;
  keepalive_timeout 120s;
  client_max_body_size 64m;
  client_body_buffer_size 1m;
  upstream emulator {
    server 127.0.0.1:$EMU_PORT;
    keepalive 256;
  }
  server {
    listen 127.0.0.1:$NGINX_PORT backlog=4096;
    location / {
      proxy_pass http://emulator;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_read_timeout 120s;
    }
    # streams: each chunk goes to the client as it comes from the upstream (no proxy buffering); the unary location
    # above is left as it was, so the unary figures stay comparable with earlier runs
    location ~ :streamGenerateContent\$ {
      proxy_pass http://emulator;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_read_timeout 120s;
      proxy_buffering off;
    }
  }
  # the OTLP sink of Gemgate's traces (run.sh --policies on): every export is answered 200 with an empty
  # ExportTraceServiceResponse and logged, one line each; nothing is stored
  log_format otlp '\$msec \$request \$content_length \$status';
  server {
    listen 127.0.0.1:$OTLP_PORT;
    access_log $OTLP_LOG otlp;
    location / {
      default_type application/x-protobuf;
      return 200 "";
    }
  }
}
EOF
log "starting nginx ($("$NGINX" -v 2>&1 | sed 's/.*: //')) on 127.0.0.1:$NGINX_PORT -> emulator"
"$NGINX" -p "$TMP/nginx" -c "$TMP/nginx/nginx.conf" -e "$TMP/nginx/logs/error.log" >"$TMP/nginx/stdout.log" 2>&1 &
NGINX_PID=$!
wait_http "http://127.0.0.1:$NGINX_PORT/emulator/health" 15 "$NGINX_PID" nginx

# ------------------------------------------------------------------ 2b. the Java reference path
# a bare Vert.x proxy (dev.gemgate.bench.ReferenceProxy): what a JVM on Gemgate's toolkit reaches doing no work of its own
log "starting the reference proxy (bare Vert.x) on 127.0.0.1:$VX_PORT -> emulator"
"$JAVA" -Xmx512m ${REFERENCE_JAVA_OPTS:-} -cp "$BENCH_JAR" dev.gemgate.bench.ReferenceProxy "$VX_PORT" \
  "127.0.0.1:$EMU_PORT" ${REFERENCE_LOOPS:-} >"$TMP/reference-proxy.log" 2>&1 &
VX_PID=$!
wait_http "http://127.0.0.1:$VX_PORT/emulator/health" 30 "$VX_PID" "reference proxy"

# ------------------------------------------------------------------ 3. Gemgate (twice: fresh start, then restart)
GG_ARGS=()
# the JVM's AOT cache that the build trained (infra/app/pom.xml, profile aot-cache), as ./gemgate run uses it
AOT_OPTS=()
if [ -f "${APP_JAR%/*}/app.aot" ] && [ "$(java_major "$JAVA")" -ge 25 ]; then AOT_OPTS=("-XX:AOTCache=${APP_JAR%/*}/app.aot" "-Xlog:aot*=error"); fi
# the start-up figures depend on it: a build with -DskipAotCache leaves no cache, and the starts are then much slower
if [ ${#AOT_OPTS[@]} -gt 0 ]; then log "JVM AOT cache: ${APP_JAR%/*}/app.aot"
else log "WARNING: no JVM AOT cache (${APP_JAR%/*}/app.aot missing, or a JDK before 25): start-up is measured without it"; fi
start_gemgate() { # start_gemgate LOGFILE: starts Gemgate, sets GG_PID and STARTUP_MS
  local logfile=$1 t0 t1
  mkdir -p "$TMP/gemgate"
  t0=$(date +%s%N)
  # shellcheck disable=SC2086
  (cd "$TMP/gemgate" && exec "$JAVA" ${AOT_OPTS[@]+"${AOT_OPTS[@]}"} ${GEMGATE_JAVA_OPTS:-} "${POLICY_OPTS[@]}" "${EMBED_OPTS[@]}" -Dquarkus.profile=local -Dquarkus.debug.print-startup-times=true -Dquarkus.http.host=127.0.0.1 \
    -Dquarkus.http.port="$GG_PORT" -Dquarkus.management.host=127.0.0.1 -Dquarkus.management.port="$GG_MGMT_PORT" \
    -Dgemgate.upstream.base-url="http://127.0.0.1:$EMU_PORT" -jar "$APP_JAR" >"$logfile" 2>&1) &
  GG_PID=$!
  # health and metrics are on the management interface, not on the tenant port
  wait_http "http://127.0.0.1:$GG_MGMT_PORT/q/health/ready" 120 "$GG_PID" gemgate
  t1=$(date +%s%N)
  STARTUP_MS=$(((t1 - t0) / 1000000))
}
if [ "$SKIP_GEMGATE" = 0 ]; then
  log "starting Gemgate on 127.0.0.1:$GG_PORT, management on :$GG_MGMT_PORT (fresh data directory $TMP/gemgate)"
  start_gemgate "$TMP/gemgate-first.log"
  FRESH_MS=$STARTUP_MS
  KEY=$(grep -oE 'gmg_[0-9A-Za-z]{40}' "$TMP/gemgate-first.log" | head -n1 || true)
  [ -n "$KEY" ] || die "no demo tenant key (gmg_...) in Gemgate's first-start output ($TMP/gemgate-first.log)"
  log "Gemgate ready in $FRESH_MS ms (fresh); demo key ${KEY:0:8}...; restarting it to time a normal start"
  stop_pid "$GG_PID" gemgate 60
  alive "$GG_PID" && die "Gemgate did not stop"
  GG_PID=""
  # PostgreSQL's per-statement statistics for the database round trips: pg_stat_statements (in the zonky binaries)
  # must be preloaded, which takes a server restart; Gemgate's restart is that restart
  PG_CONF=$TMP/gemgate/.gemgate/postgres/postgresql.conf
  if [ -f "$PG_CONF" ]; then
    printf "\n# added by infra/bench/run.sh: statement statistics for the benchmark\nshared_preload_libraries = 'pg_stat_statements'\npg_stat_statements.max = 10000\n" >>"$PG_CONF"
  else
    log "WARNING: no $PG_CONF: the database round trips will be counted from pg_stat_database only"
  fi
  start_gemgate "$TMP/gemgate.log"
  log "Gemgate ready in $STARTUP_MS ms (restart), pid $GG_PID"
  PG_URL=$(grep -oE 'embedded PostgreSQL at jdbc:postgresql://[^ ]+' "$TMP/gemgate.log" | head -n1 | sed 's/.* at //' || true)
  [ -n "$PG_URL" ] || log "WARNING: no embedded PostgreSQL URL in Gemgate's output: no database round trips"
  GG_ARGS=(--gemgate-url "http://127.0.0.1:$GG_PORT" --gemgate-management-url "http://127.0.0.1:$GG_MGMT_PORT"
           --gemgate-key "$KEY" --jcmd "$JAVA_HOME/bin/jcmd"
           --startup-fresh-ms "$FRESH_MS" --startup-restart-ms "$STARTUP_MS" --startup-restart-log "$TMP/gemgate.log"
           --pg-url "${PG_URL:-}"
           --policies "$POLICY_LABEL")
  [ "$POLICIES" = on ] && GG_ARGS+=(--otlp-log "$OTLP_LOG")
  # the JVM's pid (the subshell exec'd java, so $! is the JVM)
  GG_ARGS+=(--gemgate-pid "$GG_PID")
  # the embedded PostgreSQL's server (pg_ctl starts it detached, so it is no child of the JVM): its CPU per request
  PG_PID=$(head -n1 "$TMP/gemgate/.gemgate/postgres/postmaster.pid" 2>/dev/null || true)
  [ -n "$PG_PID" ] && GG_ARGS+=(--postgres-pid "$PG_PID")
fi

# ------------------------------------------------------------------ the driver
mkdir -p "$BENCH_DIR/target"
OUT=$BENCH_DIR/target/bench-$(date +%Y%m%d-%H%M%S).txt
log "running the driver; the output is also saved to $OUT"
# in the background and waited for, so that a signal to this script runs the cleanup at once
"$JAVA" -Xms256m -Xmx2g -jar "$BENCH_JAR" \
  --direct-url "http://127.0.0.1:$EMU_PORT" --nginx-url "http://127.0.0.1:$NGINX_PORT" \
  --vertx-url "http://127.0.0.1:$VX_PORT" \
  --emulator-pid "$EMU_PID" --nginx-pid "$NGINX_PID" --vertx-pid "$VX_PID" \
  --note "servers: emulator JVM options '${EMULATOR_JAVA_OPTS:-}', nginx $("$NGINX" -v 2>&1 | sed 's/.*\///') with ${NGINX_WORKERS:-auto} workers, reference proxy '${REFERENCE_JAVA_OPTS:-}' with ${REFERENCE_LOOPS:-one per core} event loops, Gemgate JVM options '${AOT_OPTS[*]+${AOT_OPTS[*]} }${GEMGATE_JAVA_OPTS:-}'; ulimit -n $(ulimit -n)" \
  --embed-batching "$EMBED_LABEL" "${GG_ARGS[@]}" --wrk "$(command -v wrk || echo wrk)" "${DRIVER_ARGS[@]}" > >(tee "$OUT") 2>&1 &
DRIVER_PID=$!
wait "$DRIVER_PID"
