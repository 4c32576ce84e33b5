#!/usr/bin/env bash
# Installs the pgvector extension into the local PostgreSQL 15 (Debian 12), which the
# scene memory's migration needs (CREATE EXTENSION vector). Debian 12 does not package
# pgvector for PG 15, so this builds the source package of Debian trixie against PG 15's
# server headers. Needs root and the Debian mirror; does nothing when already installed.
#
#   bash scripts/pgvector.sh          (CI: .ci/run calls it before the tests)
set -euo pipefail

PG_MAJOR=15
CONTROL="/usr/share/postgresql/${PG_MAJOR}/extension/vector.control"
if [[ -f "$CONTROL" ]]; then
  exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
  echo "pgvector.sh: must run as root (apt-get, make install into PostgreSQL's directories)" >&2
  exit 1
fi

echo "== installing pgvector for PostgreSQL ${PG_MAJOR} (built from Debian trixie's source package)"
export DEBIAN_FRONTEND=noninteractive

# Only a deb-src line: nothing binary comes from trixie, so bookworm's packages stay as they are.
SRC_LIST=/etc/apt/sources.list.d/trixie-src.list
if [[ ! -f "$SRC_LIST" ]]; then
  echo 'deb-src http://deb.debian.org/debian trixie main' > "$SRC_LIST"
fi
apt-get update -qq
apt-get install -y -qq --no-install-recommends "postgresql-server-dev-${PG_MAJOR}" build-essential dpkg-dev >/dev/null

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
# apt downloads as the unprivileged _apt user, which must be able to write here
# (otherwise it falls back to an unsandboxed download and warns).
if id _apt >/dev/null 2>&1; then chown _apt "$WORK"; fi
cd "$WORK"
apt-get source -qq pgvector >/dev/null
SRC_DIR=$(find "$WORK" -mindepth 1 -maxdepth 1 -type d -name 'pgvector-*' | head -n 1)
if [[ -z "$SRC_DIR" ]]; then
  echo "pgvector.sh: apt-get source pgvector unpacked nothing" >&2
  exit 1
fi

PG_CONFIG="/usr/lib/postgresql/${PG_MAJOR}/bin/pg_config"
# OPTFLAGS="": the upstream default is -march=native, which would tie the build to this CPU.
make -C "$SRC_DIR" -s PG_CONFIG="$PG_CONFIG" OPTFLAGS="" >/dev/null
make -C "$SRC_DIR" -s PG_CONFIG="$PG_CONFIG" install >/dev/null

test -f "$CONTROL"
echo "== pgvector $(sed -n "s/^default_version = '\(.*\)'/\1/p" "$CONTROL") installed for PostgreSQL ${PG_MAJOR}"
