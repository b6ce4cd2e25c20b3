# Sourced by the scripts: make sure .venv exists and matches the requirements files.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
command -v java >/dev/null || { echo "Java 17+ is needed for the gcloud emulators" >&2; exit 1; }
command -v gcloud >/dev/null || { echo "gcloud (with the Firestore and Pub/Sub emulators) is needed" >&2; exit 1; }
PY="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$PY" -m venv .venv
STAMP=".venv/.requirements.sha256"
WANT="$(cat requirements.txt requirements-dev.txt | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$STAMP" 2>/dev/null)" != "$WANT" ]; then
  echo "▶ installing Python packages into .venv…"
  .venv/bin/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
  echo "$WANT" > "$STAMP"
fi
export PATH="$ROOT/.venv/bin:$PATH"
