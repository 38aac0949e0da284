package org.wootrichub.routes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every route file against the YAML DSL schema shipped in camel-yaml-dsl (the validator plugin is not served
 * here), plus the project's own rules: canonical form and an id on every route.
 */
class RouteFilesTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static JsonSchema schema;

    @BeforeAll
    static void loadSchema() throws IOException {
        try (InputStream in = RouteFilesTest.class.getClassLoader().getResourceAsStream("schema/camelYamlDsl.json")) {
            assertThat(in).as("schema/camelYamlDsl.json from camel-yaml-dsl").isNotNull();
            schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(in);
        }
    }

    static Stream<Path> routeFiles() throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> list = Files.list(Path.of("routes"))) {
            list.filter(p -> p.toString().endsWith(".camel.yaml")).sorted().forEach(files::add);
        }
        assertThat(files).isNotEmpty();
        return files.stream();
    }

    /** The build packages exactly the folder's route files: none deleted from the folder stays behind in the classes. */
    @Test
    void thePackagedRoutesAreTheFoldersRoutes() throws IOException {
        List<String> folder = routeFiles().map(p -> p.getFileName().toString()).toList();
        List<String> packaged;
        try (Stream<Path> list = Files.list(Path.of("target", "classes", "routes"))) {
            packaged = list.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertThat(packaged).isEqualTo(folder);
    }

    @ParameterizedTest
    @MethodSource("routeFiles")
    void matchesTheCamelYamlDslSchema(Path file) throws IOException {
        JsonNode routes = YAML.readTree(file.toFile());
        // a property placeholder is a string wherever it stands; Camel resolves it before the option is typed
        List<String> errors = schema.validate(routes).stream()
                .filter(error -> !isPlaceholder(error.getInstanceNode()))
                .map(ValidationMessage::getMessage)
                .toList();
        assertThat(errors).as(file + " schema errors").isEmpty();
    }

    private static boolean isPlaceholder(JsonNode value) {
        return value != null && value.isTextual() && value.asText().matches("\\{\\{[^}]+}}");
    }

    @ParameterizedTest
    @MethodSource("routeFiles")
    void everyRouteHasAnIdAndUsesTheCanonicalFromForm(Path file) throws IOException {
        for (JsonNode element : YAML.readTree(file.toFile())) {
            JsonNode route = element.get("route");
            JsonNode configuration = element.get("routeConfiguration");
            if (route != null) {
                assertThat(route.path("id").asText()).as(file + ": route without id").isNotBlank();
                assertThat(route.get("from").isObject()).as(file + ": from must be {uri, parameters, steps}").isTrue();
                assertThat(route.get("from").has("steps")).as(file + ": steps belong inside from").isTrue();
            }
            if (configuration != null) {
                assertThat(configuration.path("id").asText()).as(file + ": routeConfiguration without id").isNotBlank();
            }
        }
    }

    /**
     * The steps every ingress request and every dispatched event take are processors, not bean steps: Camel's bean
     * component binds the method's parameters and result on each call, which cost a fifth of the ingress's request
     * threads (docs/benchmarks.md, session 9). Branches that only some events take may call beans.
     */
    @Test
    void theStepsEveryRequestAndEventTakeAreNoBeanCalls() throws IOException {
        Path routes = Path.of("routes");
        assertThat(stepKinds(topLevelSteps(routes.resolve("ingress-http.camel.yaml"), "ingress-http"))).doesNotContain("bean");
        assertThat(stepKinds(topLevelSteps(routes.resolve("dispatch.camel.yaml"), "dispatch"))).doesNotContain("bean");
        List<String> onCompletion = new ArrayList<>();
        for (JsonNode element : YAML.readTree(routes.resolve("delivery-errors.camel.yaml").toFile())) {
            onCompletion.addAll(stepKinds(element.path("routeConfiguration").path("onCompletion").path(0).path("onCompletion").path("steps")));
        }
        assertThat(onCompletion).as("delivery-errors' onCompletion steps").isNotEmpty().doesNotContain("bean");
    }

    private static JsonNode topLevelSteps(Path file, String routeId) throws IOException {
        for (JsonNode element : YAML.readTree(file.toFile())) {
            JsonNode route = element.get("route");
            if (route != null && routeId.equals(route.path("id").asText())) {
                return route.path("from").path("steps");
            }
        }
        throw new AssertionError("no route " + routeId + " in " + file);
    }

    private static List<String> stepKinds(JsonNode steps) {
        List<String> kinds = new ArrayList<>();
        steps.forEach(step -> step.fieldNames().forEachRemaining(kinds::add));
        return kinds;
    }
}
