#!/bin/bash
# storm.sh BINDIR N OWN TAG [KEY=VALUE ...]: one run of `lyceum-load storm` (docs/benchmarks.md).
#
# Starts two Lyceum nodes sharing a fresh PostgreSQL database and a fresh Redis prefix (node A on 127.0.0.1:18810,
# admin 18811; node B on 18820, admin 18821), GOMAXPROCS=1 each, node B on core 0 and node A on core $ACORE (0 by
# default: both nodes share core 0), the load tool on core 1; N clients on node A, OWN on node B, 100 rooms,
# 100 msg/s, node A stopped after 10 s. KEY=VALUE pairs go to both nodes' environment. Output in /tmp/storm/TAG:
# out.txt (the tool's summary and JSON line), cpu.txt (CPU of both nodes and Redis,
# every ~0.6 s, sampled from core 1: on core 0 the sampler itself took up to a fifth of the core), a.log, b.log.
# BWAIT=1 adds node B's waiting upgrades to cpu.txt, read from its /metrics twice a second. Off by default since
# session 7: a scrape of a node holding 10,000 connections takes it milliseconds (the process collector reads
# /proc/self/fd). It did not set the figures (docs/benchmarks.md, session 7), but a tool should not load what it
# measures.
# ASCHED=idle runs node A under SCHED_IDLE (`chrt -i 0`): it then takes only CPU time no other process wants, the
# nearest two shared cores come to node A being another machine (docs/benchmarks.md says which runs used it).
# PROF=1 adds b.prof (node B's CPU profile, PROF_S seconds from PROF_AT seconds after the tool starts); TRACE=1
# adds b.trace likewise (TRACE_AT, TRACE_S). RXSTAMP=read times deliveries at the tool's read instead of the
# kernel's arrival stamp (-rx-stamp; the kernel's is the default since session 6). SLOW=8ms keeps node B's own
# clients' deliveries at least that slow, with when each was sent, in the JSON (b_slow; -slow), to find them in b.trace.
# REDIS1=1 moves Redis to core 1 at real-time priority (SCHED_FIFO 10) for the run, then back: its few per cent of a
# core then never wait behind the tool (the nearest two cores come to Redis on a machine of its own; session 6 found
# the quiet phase's 30-80 ms stalls were Redis waiting for core 1, where the tool runs).
set -u
BIN=$1; N=$2; OWN=$3; TAG=$4; shift 4
ACORE=${ACORE:-0}
ASCHEDPOL=${ASCHED:-}; ASCHED=()
[ "$ASCHEDPOL" = idle ] && ASCHED=(chrt -i 0)
OUT=/tmp/storm/$TAG; rm -rf "$OUT"; mkdir -p "$OUT"
DB=storm_$(date +%s)
psql -q -h 127.0.0.1 -U postgres -d test -c "CREATE DATABASE $DB" >/dev/null
PG="postgres://postgres@127.0.0.1:5432/$DB?sslmode=disable"
common="LYCEUM_DATABASE_URL=$PG LYCEUM_REDIS_URL=redis://127.0.0.1:6379/0 LYCEUM_REDIS_PREFIX=storm$(date +%s): LYCEUM_LOG_LEVEL=warn GOMAXPROCS=1"
env $common "$BIN/lyceum" migrate > "$OUT/migrate.log" 2>&1
env $common "$@" LYCEUM_ADDR=127.0.0.1:18810 LYCEUM_ADMIN_ADDR=127.0.0.1:18811 LYCEUM_DATA_DIR="$OUT/a" \
  taskset -c "$ACORE" "${ASCHED[@]}" "$BIN/lyceum" serve > "$OUT/a.log" 2>&1 &
PA=$!
env $common "$@" LYCEUM_ADDR=127.0.0.1:18820 LYCEUM_ADMIN_ADDR=127.0.0.1:18821 LYCEUM_DATA_DIR="$OUT/b" \
  taskset -c 0 "$BIN/lyceum" serve > "$OUT/b.log" 2>&1 &
PB=$!
for p in 18811 18821; do for _ in $(seq 100); do curl -sf "http://127.0.0.1:$p/healthz" >/dev/null && break; sleep 0.1; done; done
R=$(pgrep -x redis-server | head -1)
if [ -n "${REDIS1:-}" ] && [ -n "$R" ]; then # Redis as on a machine of its own: core 1, ahead of the tool
  taskset -a -p -c 1 "$R" >/dev/null && chrt -a -f -p 10 "$R"
  trap 'taskset -a -p -c 0-$(( $(nproc) - 1 )) "$R" >/dev/null; chrt -a -o -p 0 "$R"' EXIT
fi
echo "start $(date -u +%T) load $(cut -d' ' -f1 /proc/loadavg) node A on core $ACORE ${ASCHED[*]} ${REDIS1:+Redis on core 1 FIFO}" | tee "$OUT/start.txt"
taskset -c 1 bash -c '
  hz=$(getconf CLK_TCK); R=$(pgrep -x redis-server | head -1); declare -A last
  while :; do
    line=$(date +%T.%N | cut -c1-10)
    for p in '"$PA $PB"' $R; do
      t=$(awk "{print \$14+\$15}" /proc/$p/stat 2>/dev/null || echo 0); d=$(( t - ${last[$p]:-$t} )); last[$p]=$t
      line="$line $p:$(( d * 200 / hz ))%"
    done
    if [ -n "'"${BWAIT:-}"'" ]; then
      line="$line B-waiting:$(curl -s -m 0.2 http://127.0.0.1:18821/metrics | awk "/^lyceum_hub_admission_waiting /{print \$2}")"
    fi
    echo "$line"; sleep 0.5
  done' > "$OUT/cpu.txt" 2>&1 &
PM=$!
if [ -n "${PROF:-}" ]; then (sleep "${PROF_AT:-9}"; curl -s "http://127.0.0.1:18821/debug/pprof/profile?seconds=${PROF_S:-15}" > "$OUT/b.prof") & fi
if [ -n "${TRACE:-}" ]; then (sleep "${TRACE_AT:-14}"; curl -s "http://127.0.0.1:18821/debug/pprof/trace?seconds=${TRACE_S:-4}" > "$OUT/b.trace") & fi
taskset -c 1 "$BIN/lyceum-load" storm -rx-stamp "${RXSTAMP:-kernel}" -url http://127.0.0.1:18820 -url-a http://127.0.0.1:18810 -stop-pid $PA \
  -lyceum "$BIN/lyceum" -database-url "$PG" -n "$N" -own "$OWN" -rooms 100 -rate 100 -before 10s -window 15s -slow "${SLOW:-0}" \
  > "$OUT/out.txt" 2> "$OUT/err.txt"
echo "exit $?" >> "$OUT/out.txt"
kill $PM 2>/dev/null; wait $PA 2>/dev/null
kill $PB; wait $PB 2>/dev/null
psql -q -h 127.0.0.1 -U postgres -d test -c "DROP DATABASE $DB" >/dev/null 2>&1
grep -E "back and recovered|node B.s own clients: p99|gaps|tool CPU" "$OUT/out.txt" | grep -v "^{"
