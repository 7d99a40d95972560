#!/usr/bin/env bash
# Runs the whole pipeline on this machine: ./run-local.sh [demo] [options]   (./run-local.sh --help)
# Builds what it needs with Maven when the launcher is missing or older than the sources, then runs
# the launcher (Kafka, schema registry, topics, router, dispatcher). Ctrl-C stops everything in order.
set -euo pipefail
cd "$(dirname "$0")"

source scripts/use-jdk21.sh   # JAVA_HOME -> a JDK 21+

jar=launcher/target/launcher.jar
stale() {
  [ ! -f "$jar" ] || [ ! -f webhookctl/target/webhookctl.jar ] && return 0
  # Any pom or main source newer than the jar means a rebuild.
  [ -n "$(find . -path ./data -prune -o \( -name pom.xml -o -path '*/src/main/*' \) -type f -newer "$jar" -print -quit)" ]
}
if stale; then
  echo "building the pipeline (mvn package -DskipTests)..." >&2
  start=$(date +%s)
  mvn -q -B -Dstyle.color=never package -DskipTests -pl launcher -am >&2 || {
    echo "run-local: the build failed (see above); fix it, or run 'mvn -B package -DskipTests' to see the details" >&2; exit 1; }
  echo "built in $(( $(date +%s) - start )) s" >&2
fi

# The launcher runs in the background of this script so that Ctrl-C reaches only this script (a
# background job ignores the terminal's SIGINT), which then asks the launcher to stop: the launcher
# stops its services one by one, dispatcher first and Kafka last. Otherwise Ctrl-C would hit every
# process at once and Kafka could go before the dispatcher has committed.
java -Xmx192m -XX:+UseSerialGC --enable-native-access=ALL-UNNAMED -jar "$jar" "$@" &
launcher=$!
trap 'kill -TERM "$launcher" 2>/dev/null || true' INT TERM HUP
status=0
wait "$launcher" || status=$?
# After a trapped signal, wait once more for the launcher's orderly shutdown to finish.
while kill -0 "$launcher" 2>/dev/null; do wait "$launcher" || status=$?; done
exit "$status"
