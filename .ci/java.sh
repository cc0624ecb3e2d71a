#!/usr/bin/env bash
# Make sure a Java runtime is present for the Spark local-mode tests (pyspark needs Java 17+).
# Installs Debian's headless JRE when `java` is missing; does nothing otherwise.
set -euo pipefail

if command -v java >/dev/null 2>&1; then
  java -version 2>&1 | head -1
  exit 0
fi
if [ -n "${JAVA_HOME:-}" ] && [ -x "${JAVA_HOME}/bin/java" ]; then
  "${JAVA_HOME}/bin/java" -version 2>&1 | head -1
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "java.sh: no Java runtime and not root (install default-jre-headless)" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends default-jre-headless
java -version 2>&1 | head -1
