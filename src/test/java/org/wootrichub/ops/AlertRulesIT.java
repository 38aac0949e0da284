package org.wootrichub.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The alert rules and the dashboard's queries as Prometheus itself reads them, with Debian's promtool (package
 * prometheus; .ci/run installs it; another path with -Dpromtool=PATH): the rules load, and their unit tests pass.
 * Run by Failsafe with the integration tests, as the browser test's Chromium is, so that {@code mvn test} needs
 * neither tool.
 */
class AlertRulesIT {

    private static Path promtool;

    @TempDir
    Path work;

    @BeforeAll
    static void findPromtool() {
        promtool = Path.of(System.getProperty("promtool", "/usr/bin/promtool"));
        // a missing tool fails the build rather than skipping: a skipped test would let a broken rule through
        assertThat(Files.isExecutable(promtool))
                .as("promtool at %s: install Debian's prometheus package (apt-get install prometheus, as .ci/run does), "
                        + "or give its path with -Dpromtool=PATH", promtool)
                .isTrue();
    }

    @Test
    void theRulesLoad() throws Exception {
        String output = promtool("check", "rules", OpsFiles.RULES.toString());
        assertThat(output).contains("SUCCESS");
    }

    @Test
    void theRulesPassTheirUnitTests() throws Exception {
        String output = promtool("test", "rules", OpsFiles.RULE_TESTS.toString());
        assertThat(output).contains("SUCCESS");
    }

    /** promtool parses each query as a recording rule, Grafana's variables filled in as a user's choice would fill them. */
    @Test
    void theDashboardsQueriesAreValidPromql() throws Exception {
        List<String> expressions = OpsFiles.dashboardExpressions();
        assertThat(expressions).isNotEmpty();
        StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
        List<String> queries = new ArrayList<>();
        for (int i = 0; i < expressions.size(); i++) {
            String query = expressions.get(i).replace("$__rate_interval", "2m").replace("$job", "wootric-hub")
                    .replace("$instance", ".*");
            assertThat(query).as("a Grafana variable this test does not fill in").doesNotContain("$");
            queries.add(query);
            rules.append("      - record: dashboard:query_").append(i).append('\n')
                    .append("        expr: '").append(query.replace("'", "''")).append("'\n");
        }
        Path file = work.resolve("dashboard-queries.yml");
        Files.writeString(file, rules);
        String output = promtool("check", "rules", file.toString());
        assertThat(output).contains("SUCCESS: " + queries.size() + " rules found");
    }

    /** Runs promtool to its end; it must exit 0. */
    private String promtool(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(promtool.toString());
        command.addAll(List.of(arguments));
        Path log = Files.createTempFile(work, "promtool", ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish: " + Files.readString(log));
        }
        String output = Files.readString(log);
        assertThat(process.exitValue()).as("%s said:%n%s", String.join(" ", command), output).isZero();
        return output;
    }
}
