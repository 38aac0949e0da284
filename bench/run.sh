#!/usr/bin/env bash
# The benchmark: builds the hub, runs every scenario against the packaged jar and a local Wootric fake, prints one
# table. Not part of the test suite. Usage: bench/run.sh [--quick] [--only scenario,...] [--backlog-events N] [--warm-up S]
# (the hub runs through bin/wootric-hub; HUB_JAVA_OPTS adds JVM options to its settings). See docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."

# the build compiles the harness (bench/src) with the tests, into target/test-classes, next to the HubProcess it uses
mvn -B -q -DskipTests package dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test

# every process the bench starts is its child: stop them all on exit, whatever happens
trap 'pkill -P $$ 2>/dev/null || true' EXIT
java -Xmx2g -Dsun.net.httpserver.nodelay=true -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" org.wootrichub.bench.Bench "$@"
