#!/bin/sh
# Two server processes on one database, sharing Redis: http://127.0.0.1:5001 and :5002 (docs/deploy.md).
# A message sent through one reaches the browsers of the other. Ctrl+C stops both.
#   REDIS_URL    the Socket.IO queue and rate-limit store (default redis://127.0.0.1:6379/0)
#   DATABASE_URL as for `make run` (default: the SQLite file under instance/; PostgreSQL for real use)
set -eu
cd "$(dirname "$0")/.."
BIN=.venv/bin
export SOCKETIO_MESSAGE_QUEUE="${REDIS_URL:-redis://127.0.0.1:6379/0}"
"$BIN/python" -c "import os, redis; redis.Redis.from_url(os.environ['SOCKETIO_MESSAGE_QUEUE'], socket_connect_timeout=2).ping()" \
  || { echo "Redis is not reachable at $SOCKETIO_MESSAGE_QUEUE" >&2; exit 1; }
"$BIN/flask" --app wsgi db upgrade
"$BIN/flask" --app wsgi jit demo --if-empty
"$BIN/flask" --app wsgi jit search reindex --if-empty
pids=""
trap 'kill $pids 2>/dev/null; wait' INT TERM EXIT
for port in 5001 5002; do
  "$BIN/gunicorn" -k gthread -w 1 --threads 100 --no-control-socket --graceful-timeout 3 \
    -b "127.0.0.1:$port" wsgi:app &
  pids="$pids $!"
done
echo "Serving on http://127.0.0.1:5001/ and http://127.0.0.1:5002/ (queue $SOCKETIO_MESSAGE_QUEUE; Ctrl+C to stop)"
wait
