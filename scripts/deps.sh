#!/bin/sh
# SPDX-License-Identifier: MIT
# Install the Debian packages tagpipe needs to build and test, if any is missing.
set -eu
PKGS="build-essential cmake pkg-config git libjansson-dev libglib2.0-dev libstemmer-dev python3 jq clang-format chromium parallel man-db clang libclang-rt-14-dev valgrind"
# Benchmarks only (bench/topics.sh), never the tests: fastText, to compare with.
[ "${TAGPIPE_BENCH:-0}" = 1 ] && PKGS="$PKGS fasttext"
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "tagpipe: installing$missing" >&2
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $missing
