package org.wootrichub;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which route files the hub loads: the routes folder's when it has any, else the packaged ones, each named. */
class HubApplicationTest {

    @TempDir
    Path work;

    @Test
    void aFolderWithRouteFilesIsLoadedFromTheFolder() throws Exception {
        Files.writeString(work.resolve("mine.camel.yaml"), "- route: {}");

        assertThat(HubApplication.routesIncludePattern(work.toString())).isEqualTo("file:" + work.toAbsolutePath() + "/*.camel.yaml");
    }

    @Test
    void withoutRouteFilesThePackagedOnesAreLoadedEachByName() throws Exception {
        Files.writeString(work.resolve("notes.txt"), "not a route");

        List<String> expected;
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            expected = files.map(f -> f.getFileName().toString()).filter(name -> name.endsWith(".camel.yaml")).sorted()
                    .map(name -> "classpath:routes/" + name).toList();
        }
        assertThat(expected).as("the repository's route files").hasSizeGreaterThanOrEqualTo(5);
        // no wildcard: Camel would search the whole class path for it
        assertThat(Arrays.asList(HubApplication.routesIncludePattern(work.toString()).split(","))).containsExactlyElementsOf(expected);
        assertThat(HubApplication.routesIncludePattern(work.resolve("missing").toString())).doesNotContain("*");
    }
}
