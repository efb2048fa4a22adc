# Kompass tasks. `just` alone runs the tests and the linters.
set shell := ["bash", "-euo", "pipefail", "-c"]

export UV_LINK_MODE := "copy"

default: test lint

# Install the locked dependencies into .venv (and nothing else), compiled to bytecode: with
# PYTHONDONTWRITEBYTECODE set (or a read-only install) Python would otherwise compile every
# module from source in every process, most of start-up (docs/performance.md).
sync:
    uv sync --frozen --compile-bytecode
    uv run --frozen --no-sync python -m compileall -q -j 0 service bench > /dev/null

# Compile the message catalogs (.po -> .mo); compiled files are never committed.
compile: sync
    uv run --frozen pybabel compile --domain messages --directory locales --statistics 2>&1 | grep -v '^$' || true

# Start the service with demo data on the embedded SQLite default (http://127.0.0.1:8000).
run: compile
    uv run --frozen kompass demo
    uv run --frozen kompass serve

# Debian's Chromium (browser tests) and poppler-utils (PDF page images), installed when missing.
system-deps:
    #!/usr/bin/env bash
    set -euo pipefail
    missing=()
    command -v chromium >/dev/null || missing+=(chromium)
    command -v pdftoppm >/dev/null || missing+=(poppler-utils)
    fc-list 2>/dev/null | grep -qi dejavu || missing+=(fonts-dejavu-core)
    if [ ${#missing[@]} -gt 0 ]; then
        if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
            apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
        else
            echo "Please install: ${missing[*]} (e.g. sudo apt-get install ${missing[*]})" >&2
            exit 1
        fi
    fi

# Run the whole test suite; extra arguments go to pytest.
test *args: compile system-deps
    uv run --frozen pytest {{args}}

# ruff + mypy --strict on service/ + the import contracts (rooms) in pyproject.toml.
lint: sync
    uv run --frozen ruff check .
    uv run --frozen ruff format --check .
    uv run --frozen mypy --strict service
    uv run --frozen lint-imports

# Format the code in place.
fmt: sync
    uv run --frozen ruff format .
    uv run --frozen ruff check --fix .

# Benchmarks (speed and memory targets live here, not in tests): prints a table, writes
# bench/results.json; `just bench answer report` runs some. Installs wrk when missing.
bench *names: compile
    #!/usr/bin/env bash
    set -euo pipefail
    if ! command -v wrk >/dev/null; then
        if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
            apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
        else
            echo "Please install: wrk (e.g. sudo apt-get install wrk)" >&2
            exit 1
        fi
    fi
    uv run --frozen python -m bench {{names}}

# Extract messages from Python and templates, update the nb/sv/en catalogs, compile them.
i18n: sync
    uv run --frozen pybabel extract --mapping-file babel.cfg --output-file locales/messages.pot --omit-header --no-location --sort-output --keywords N_ --keywords t --keywords InvalidInput --keywords NotFound --keywords Forbidden --keywords Conflict --keywords TooLarge --keywords UnsupportedType --keywords KompassError --keywords DialogError --project Kompass .
    uv run --frozen pybabel update --domain messages --input-file locales/messages.pot --output-dir locales --width 100 --no-fuzzy-matching --ignore-obsolete
    just compile
