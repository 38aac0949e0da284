# Builds the hub from this repository and runs it. Used by docker-compose.yml (not exercised by CI: the build
# machines run no Docker engine).
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src src
COPY routes routes
COPY bin bin
# the class archive is written below, by the Java that runs the hub and for the jar where it runs
RUN mvn -B -q package -DskipTests -Dcds.skip=true

FROM eclipse-temurin:17-jre
WORKDIR /app
COPY --from=build /src/target/wootric-hub.jar /app/wootric-hub.jar
COPY routes /app/routes
COPY bin/wootric-hub /app/bin/wootric-hub
ENV HUB_DATA_DIR=/app/data HUB_ROUTES_DIR=/app/routes HUB_JAR=/app/wootric-hub.jar
# the class archive (AppCDS) that halves the time to ready: a training start of the jar, here, by this image's Java
RUN HUB_CDS=train /app/bin/wootric-hub
EXPOSE 8080 9876
# the launcher holds the JVM settings (heap, collector, off-heap caps); HUB_JAVA_OPTS adds to them
CMD ["/app/bin/wootric-hub"]
