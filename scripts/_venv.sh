# Sourced by the scripts: make sure .venv and node_modules exist and match their lock files.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
command -v java >/dev/null || { echo "Java 17+ is needed for the gcloud emulators" >&2; exit 1; }
command -v gcloud >/dev/null || { echo "gcloud (with the Firestore and Pub/Sub emulators) is needed" >&2; exit 1; }
command -v npm >/dev/null || { echo "Node.js 20 and npm are needed for the Firebase Auth emulator" >&2; exit 1; }
PY="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$PY" -m venv .venv
STAMP=".venv/.requirements.sha256"
WANT="$(cat requirements.txt requirements-dev.txt | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$STAMP" 2>/dev/null)" != "$WANT" ]; then
  echo "▶ installing Python packages into .venv…"
  .venv/bin/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
  echo "$WANT" > "$STAMP"
fi
NODE_STAMP="node_modules/.package-lock.sha256"
NODE_WANT="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ "$(cat "$NODE_STAMP" 2>/dev/null)" != "$NODE_WANT" ]; then
  echo "▶ installing the Firebase Auth emulator (npm ci, a minute or two the first time)…"
  # --ignore-scripts: the Auth emulator needs no native add-on, and skipping them spares
  # compiling re2 (an optional regex engine of a dependency) on every fresh machine.
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
  echo "$NODE_WANT" > "$NODE_STAMP"
fi
# The browser tests (tests/functional/browser) drive Debian's chromium through Playwright's executable_path,
# Debian's firefox-esr (the second engine, B8) through puppeteer-core over WebDriver BiDi, and WebKitGTK
# (Safari's engine, B8) through Selenium over Debian's WebKitWebDriver, its MiniBrowser in an Xvfb display:
# neither Playwright's nor Puppeteer's own browser download can work here, Debian's packages can (as root).
BROWSERS=""
command -v chromium >/dev/null || BROWSERS="chromium"
command -v firefox-esr >/dev/null || BROWSERS="$BROWSERS firefox-esr"
command -v WebKitWebDriver >/dev/null || BROWSERS="$BROWSERS webkit2gtk-driver"
command -v Xvfb >/dev/null || BROWSERS="$BROWSERS xvfb"
if [ -n "$BROWSERS" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "▶ installing Debian's$BROWSERS for the browser tests…"
  # shellcheck disable=SC2086  # one word per package
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $BROWSERS >/dev/null; } \
    || echo "$BROWSERS could not be installed: the browser tests that need it will fail saying so" >&2
fi
export PATH="$ROOT/.venv/bin:$PATH"
