# Sourced by run-local.sh and .ci/run: points JAVA_HOME (and PATH) at a JDK 21+, since the build
# and the schema registry need it and the machine's default java may be older.
java_feature() { "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'; }
if [ -z "${JAVA_HOME:-}" ] || [ "$(java_feature "$JAVA_HOME/bin/java")" -lt 21 ] 2>/dev/null; then
  for jdk in /usr/lib/jvm/*; do
    if [ -x "$jdk/bin/javac" ] && [ "$(java_feature "$jdk/bin/java")" -ge 21 ] 2>/dev/null; then
      export JAVA_HOME="$jdk"; break
    fi
  done
fi
if [ -z "${JAVA_HOME:-}" ] || [ ! -x "$JAVA_HOME/bin/java" ] || [ "$(java_feature "$JAVA_HOME/bin/java")" -lt 21 ] 2>/dev/null; then
  echo "no JDK 21+ found (looked at JAVA_HOME and /usr/lib/jvm): install one and set JAVA_HOME to it" >&2
  exit 1
fi
export PATH="$JAVA_HOME/bin:$PATH"
