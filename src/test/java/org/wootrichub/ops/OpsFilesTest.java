package org.wootrichub.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The alert rules and the dashboard under ops/ refer only to metrics the README documents (the README's table is
 * checked against a live scrape by BacklogMetricsIT), every alert has promtool tests that fire it and that do not, and
 * the dashboard imports into any Grafana with a Prometheus data source of its user's choosing.
 */
class OpsFilesTest {

    private static final Pattern TABLE_NAME = Pattern.compile("`([a-z_]+\\*?)[`{]");

    @Test
    void everyMetricTheRulesAndTheDashboardUseIsInTheReadmesMetricsTable() throws IOException {
        Set<String> documented = new TreeSet<>();
        Set<String> documentedPrefixes = new TreeSet<>();
        for (String cell : metricsTableNames()) {
            if (cell.endsWith("*")) {
                documentedPrefixes.add(cell.substring(0, cell.length() - 1));
            } else {
                documented.add(cell);
            }
        }
        assertThat(documented).as("the README's metrics table was found").contains("hub_events_total", "hub_broker_up");

        Set<String> used = OpsFiles.metricNames();
        assertThat(used).as("what the rules alert on").contains("hub_broker_up", "hub_queue_oldest_age_seconds",
                "hub_queue_messages", "hub_budget_paused_until_seconds");
        // BacklogMetricsIT looks for these label values in a live scrape
        assertThat(OpsFiles.selectors()).contains(new OpsFiles.Selector("hub_queue_messages", Map.of("queue", "wootric.dlq")),
                new OpsFiles.Selector("hub_lane_depth", Map.of("lane", "property")));
        for (String name : used) {
            assertThat(documented.contains(name) || documentedPrefixes.stream().anyMatch(name::startsWith))
                    .as("%s (used under ops/) is in the README's metrics table", name).isTrue();
        }
    }

    @Test
    void everyAlertHasATestThatFiresItAndOneThatDoesNot() throws IOException {
        Set<String> alerts = new TreeSet<>();
        for (JsonNode group : OpsFiles.rules().path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                alerts.add(rule.path("alert").asText());
                assertThat(rule.path("for").asText()).as("%s waits before it fires", rule.path("alert").asText()).isNotEmpty();
                assertThat(rule.path("labels").path("severity").asText()).isIn("warning", "critical");
                assertThat(rule.path("annotations").path("summary").asText()).isNotBlank();
                assertThat(rule.path("annotations").path("description").asText()).isNotBlank();
            }
        }
        assertThat(alerts).contains("WootricHubDown", "WootricHubBrokerUnreachable", "WootricHubBacklogOld",
                "WootricHubDeadLettersGrowing", "WootricHubBudgetPaused");

        Set<String> fired = new HashSet<>();
        Set<String> quiet = new HashSet<>();
        for (JsonNode test : OpsFiles.ruleTests().path("tests")) {
            for (JsonNode check : test.path("alert_rule_test")) {
                (check.path("exp_alerts").isEmpty() ? quiet : fired).add(check.path("alertname").asText());
            }
        }
        assertThat(fired).as("alerts a test fires").containsAll(alerts);
        assertThat(quiet).as("alerts a test expects not to fire").containsAll(alerts);
    }

    @Test
    void theDashboardAsksForItsDataSourceAndEveryPanelQueriesIt() throws IOException {
        JsonNode dashboard = OpsFiles.dashboard();
        assertThat(dashboard.path("uid").asText()).isEqualTo("wootric-hub");
        JsonNode datasource = null;
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            if (variable.path("name").asText().equals("datasource")) {
                datasource = variable;
            }
        }
        assertThat(datasource).as("a data source variable, so no Grafana-specific uid is baked in").isNotNull();
        assertThat(datasource.path("type").asText()).isEqualTo("datasource");
        assertThat(datasource.path("query").asText()).isEqualTo("prometheus");

        Set<Integer> ids = new HashSet<>();
        int queried = 0;
        for (JsonNode panel : dashboard.path("panels")) {
            assertThat(ids.add(panel.path("id").asInt())).as("panel ids are unique").isTrue();
            JsonNode grid = panel.path("gridPos");
            assertThat(grid.path("x").asInt() + grid.path("w").asInt()).as("%s fits the 24 columns", panel.path("title")).isLessThanOrEqualTo(24);
            if (panel.path("type").asText().equals("row")) {
                continue;
            }
            assertThat(panel.path("targets")).as("%s has a query", panel.path("title")).isNotEmpty();
            for (JsonNode target : panel.path("targets")) {
                assertThat(target.path("datasource").path("uid").asText()).as("%s", panel.path("title")).isEqualTo("${datasource}");
                assertThat(target.path("expr").asText()).isNotBlank();
                queried++;
            }
        }
        assertThat(queried).isEqualTo(OpsFiles.dashboardExpressions().size());
    }

    /** The names in the first column of the README's metrics table (a trailing * stands for any name it begins). */
    private static List<String> metricsTableNames() throws IOException {
        List<String> names = new ArrayList<>();
        boolean inTable = false;
        for (String line : Files.readAllLines(Path.of("README.md"))) {
            if (line.startsWith("| metric | what it says |")) {
                inTable = true;
            } else if (inTable && !line.startsWith("|")) {
                break;
            } else if (inTable) {
                Matcher name = TABLE_NAME.matcher(line.substring(1, line.indexOf(" | ")));
                while (name.find()) {
                    names.add(name.group(1));
                }
            }
        }
        return names;
    }
}
