#!/usr/bin/env bash
# Install, load the sample records (and the shared seed article when ../shared is there), serve.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PROTOKOLL_DATA_DIR=${PROTOKOLL_DATA_DIR:-data}
.venv/bin/protokoll sample
# The ledger's signing key, made once, so `protokoll checkpoint` works from the start.
[ -e "${PROTOKOLL_SIGNING_KEY:-$PROTOKOLL_DATA_DIR/keys/ledger.key}" ] || .venv/bin/protokoll keygen
SHARED=${PROTOKOLL_SHARED_DIR:-../shared}
if [ -d "$SHARED/seed" ]; then
  .venv/bin/protokoll import "$SHARED/seed" || echo "seed import reported problems (see above)"
fi
echo
echo "An archivist token (to write through the API):  .venv/bin/protokoll token create --role archivist"
echo "An auditor token (restricted records, event log): .venv/bin/protokoll token create --role auditor"
echo
exec .venv/bin/protokoll serve --host 127.0.0.1 --port "${PORT:-8000}"
