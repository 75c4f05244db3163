#!/usr/bin/env bash
# One entry point for a fresh Debian machine (or any machine with Python >= 3.10):
#
#   bash scripts/run.sh render    the main job: render the slides (Quarto if installed, else built-in)
#   bash scripts/run.sh test      the test suite (what CI runs)
#   bash scripts/run.sh setup     only the set-up both of them do first
#   bash scripts/run.sh lock      make requirements.lock anew (after changing pyproject.toml's dependencies)
#
# Set-up: R, Node.js/npm and Chromium from Debian's packages when missing (needs root and
# apt-get), reveal.js, MathJax 3 and webR (R 4.6) from npm (package-lock.json), a virtual environment in .venv with the
# package, its slide and test tools from requirements.lock (hashes checked), and the rpy2 release
# that fits the R found. Each step is skipped when already done.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
VENV=${NNCOURSE_VENV:-$ROOT/.venv}

say() { printf '\033[1m[nncourse]\033[0m %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }

can_apt() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; }

apt_install() {
    if [ ! -f /tmp/.nncourse-apt-updated ]; then
        say "apt-get update"
        apt-get update -qq && touch /tmp/.nncourse-apt-updated
    fi
    say "apt-get install $*"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

ensure_python() {
    PYTHON=${PYTHON:-python3}
    # venv needs ensurepip (Debian splits it into python3-venv); rpy2 compiles against Python.h.
    local ready='import os, sys, sysconfig, venv, ensurepip; sys.exit(sys.version_info < (3, 10) or not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))'
    if ! command -v "$PYTHON" >/dev/null 2>&1 || ! "$PYTHON" -c "$ready" 2>/dev/null; then
        if can_apt; then
            apt_install python3 python3-venv python3-dev
            PYTHON=python3
        else
            die "need Python >= 3.10 with venv and its headers. Install them (Debian: apt-get install python3 python3-venv python3-dev) or set PYTHON=/path/to/python3, then run this again."
        fi
    fi
}

ensure_r() {
    if command -v Rscript >/dev/null 2>&1 && R CMD config --cppflags >/dev/null 2>&1; then
        return
    fi
    if can_apt; then
        apt_install r-base-core r-base-dev
    elif [ "${CI:-}" = true ]; then
        die "R is missing and this CI machine cannot install it (needs root and apt-get)."
    else
        say "R is missing and I cannot install it here (needs root and apt-get)."
        say "Install R >= 4.2 with its headers (Debian: apt-get install r-base-core r-base-dev; see https://cran.r-project.org),"
        say "then run this again. Until then everything that needs R is skipped, with that reason."
    fi
}

# The rpy2 that fits the installed R: rpy2 3.6.x needs R >= 4.5 (on older R it fails to
# import: undefined symbol R_getVar); 3.5.17 works with R 4.2 to 4.4.
rpy2_requirement() {
    local version
    version=$(Rscript -e 'cat(R.version$major, R.version$minor, sep=".")' 2>/dev/null) || return 1
    case "$version" in
        4.[5-9]*|[5-9].*) echo "rpy2>=3.6,<3.7" ;;
        4.[2-4]*) echo "rpy2==3.5.17" ;;
        *) say "R $version is older than 4.2: no tested rpy2 for it; the R side stays off."; return 1 ;;
    esac
}

# What the deck needs beyond Python: npm (for reveal.js) and, for the tests that look at
# the slides as a student would, headless Chromium.
ensure_node_and_chromium() {
    local missing=()
    command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
    command -v chromium >/dev/null 2>&1 || missing+=(chromium fonts-dejavu-core)
    command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)  # the handout tests read the PDF page by page
    [ ${#missing[@]} = 0 ] && return
    if can_apt; then
        apt_install "${missing[@]}"
    else
        say "missing ${missing[*]} and I cannot install them here (needs root and apt-get)."
        say "Install Node.js with npm (to render the deck without Quarto) and Chromium (for the screenshot tests)."
    fi
}

# npm ci runs in the background while the Python side installs (finish_npm_assets waits for
# it): on two cores the set-up then takes about as long as the longer of the two.
NPM_PID=
NPM_LOG=
start_npm_assets() {
    command -v npm >/dev/null 2>&1 || { say "npm is missing: the deck cannot be rendered without Quarto, nor its maths typeset offline"; return; }
    if [ ! -f node_modules/reveal.js/dist/reveal.js ] || [ ! -f node_modules/mathjax/es5/tex-svg-full.js ] || [ ! -f node_modules/webr/dist/webr.mjs ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
        say "npm ci (reveal.js and MathJax for the deck, webR for R 4.6), beside the Python set-up"
        NPM_LOG=$(mktemp)
        npm ci --no-audit --no-fund --loglevel=error >"$NPM_LOG" 2>&1 &
        NPM_PID=$!
        trap '[ -z "$NPM_PID" ] || kill "$NPM_PID" 2>/dev/null' EXIT  # a set-up that stops early leaves no npm behind
    fi
}

finish_npm_assets() {
    [ -n "$NPM_PID" ] || return 0
    if ! wait "$NPM_PID"; then
        cat "$NPM_LOG" >&2
        die "npm ci failed (its output above): the deck's reveal.js, MathJax and webR are missing. Check the network to the npm registry, then run this again."
    fi
    rm -f "$NPM_LOG"
    NPM_PID=
}

# The Python packages come from requirements.lock: every version pinned, every file's
# sha256 checked (made by `bash scripts/run.sh lock`). uv (from PyPI, pinned below) installs
# it in seconds; where uv cannot be had, plain pip installs the same lock (--require-hashes).
UV_VERSION=0.13.9

install_locked() {
    local rpy2=$1
    export UV_COMPILE_BYTECODE=1  # .pyc written at install, as pip does: else every process compiles what it imports (each time under PYTHONDONTWRITEBYTECODE or in the read-only sandbox)
    if [ "${NNCOURSE_PIP:-}" != 1 ] && "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "uv==$UV_VERSION" 2>/dev/null; then
        "$VENV/bin/uv" pip install --quiet --python "$VENV/bin/python" --require-hashes -r requirements.lock
        "$VENV/bin/uv" pip install --quiet --python "$VENV/bin/python" --no-deps -e . ${rpy2:+"$rpy2"}
    else
        say "installing the same lock with pip (slower; uv was not to be had here, or NNCOURSE_PIP=1)"
        "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
        "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps -e . ${rpy2:+"$rpy2"}
    fi
}

ensure_venv() {
    ensure_python
    ensure_r
    ensure_node_and_chromium
    start_npm_assets
    [ -x "$VENV/bin/python" ] || { say "creating the virtual environment $VENV"; "$PYTHON" -m venv "$VENV"; }
    local rpy2 stamp want
    rpy2=$(command -v Rscript >/dev/null 2>&1 && rpy2_requirement || true)
    want="$(cat pyproject.toml requirements.lock scripts/run.sh | sha256sum | cut -c1-16) $rpy2"
    stamp="$VENV/.nncourse-installed"
    if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
        say "installing nncourse and its tools into $VENV from requirements.lock${rpy2:+ (with $rpy2 for R $(R --version | head -1 | cut -d' ' -f3))}"
        install_locked "$rpy2"
        echo "$want" > "$stamp"
    fi
    finish_npm_assets
}

# After a change to pyproject.toml's dependencies: the lock made anew (needs uv, from PyPI).
relock() {
    ensure_python
    [ -x "$VENV/bin/uv" ] || "$VENV/bin/python" -m pip install --quiet "uv==$UV_VERSION"
    "$VENV/bin/uv" pip compile pyproject.toml --extra test --generate-hashes --universal --python-version 3.10 --quiet -o requirements.lock
    say "wrote requirements.lock"
}

# nncourse's own modules compiled once (the installed packages are, at install): the suite
# starts hundreds of Pythons (kernels, R workers, sandboxed students) that would each compile
# them again under PYTHONDONTWRITEBYTECODE, and in the read-only sandbox always.
compile_package() {
    "$VENV/bin/python" -m compileall -q -j 0 pysrc >/dev/null || say "could not compile pysrc/ ahead (the tests run, only slower)"
}

main() {
    local job=${1:-}
    shift || true
    case "$job" in
        setup) ensure_venv ;;
        lock) relock ;;
        render) ensure_venv; exec "$VENV/bin/nncourse" render "$@" ;;
        test) ensure_venv; compile_package; exec "$VENV/bin/python" -m pytest "$@" ;;
        *) die "expected a job: render, test, setup or lock; got '${job}'" ;;
    esac
}

main "$@"
