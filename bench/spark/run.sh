#!/usr/bin/env bash
# The Spark pack job against `bale pack` on one machine: 20,000 generated photos, Spark local[1] and
# local[2] and the one-machine pack in the same run (records/s, MB/s, fixed overhead). Results are
# printed and written to bale-bench/spark/results.md, with a chart, results.png. Options: --images N --shards N --threads T
# --layout F --width W --height H --rounds R --out DIR.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$here"
# The spark module and, through its test scope, the loader's generator of photo-like JPEGs.
mvn -B -q package -DskipTests -pl spark -am dependency:build-classpath -DincludeScope=test \
  -Dmdep.outputFile=target/bench-classpath.txt >/dev/null
flags=$(sed -n 's:.*<spark.jvm.flags>\(.*\)</spark.jvm.flags>.*:\1:p' spark/pom.xml)
exec java -Xmx3g --add-opens java.base/java.nio=ALL-UNNAMED --add-exports java.base/sun.nio.ch=ALL-UNNAMED \
  --enable-native-access=ALL-UNNAMED $flags \
  -cp "spark/target/classes:$(cat spark/target/bench-classpath.txt)" bench/spark/SparkPackBench.java "$@"
