# One image per service, from this repository:
#   docker build --target router .   (targets: router, dispatcher, receiver, webhookctl)
# docker-compose.yml builds them all.

# --- build: the jars, with Maven's cache kept between builds ---------------------------------------
FROM maven:3.9-eclipse-temurin-21 AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.m2 mvn -q -B package -DskipTests -pl launcher -am

# --- runtime base: a JRE, no build tools, a non-root user ----------------------------------------
FROM eclipse-temurin:21-jre AS runtime
# docker-compose.yml's healthchecks call curl: eclipse-temurin 21 ships it (22+ dropped it), so fail here if it goes.
RUN command -v curl > /dev/null || { echo "curl is missing from the base image: install it (compose healthchecks use it)" >&2; exit 1; }
RUN useradd --system --uid 10001 pipeline && mkdir -p /var/lib/router && chown pipeline /var/lib/router
WORKDIR /app
USER pipeline
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -Dorg.apache.avro.SERIALIZABLE_PACKAGES=dev.webhookpipeline.schema"

# --- streams-router: settings from KAFKA_*, SCHEMA_REGISTRY_URL, PIPELINE_* or --config ----------
FROM runtime AS router
COPY --from=build /src/streams-router/target/streams-router.jar /app/streams-router.jar
ENTRYPOINT ["java", "-jar", "/app/streams-router.jar", "--state-dir", "/var/lib/router"]

# --- dispatcher: scale with `docker-compose up --scale dispatcher=N` (N <= partitions) -------------
FROM runtime AS dispatcher
COPY --from=build /src/dispatcher/target/dispatcher.jar /app/dispatcher.jar
ENTRYPOINT ["java", "-jar", "/app/dispatcher.jar"]

# --- webhookctl: topics, tenant configs, publishing ----------------------------------------------
FROM runtime AS webhookctl
COPY --from=build /src/webhookctl/target/webhookctl.jar /app/webhookctl.jar
ENTRYPOINT ["java", "-jar", "/app/webhookctl.jar"]

# --- receiver: the sample endpoint that prints each webhook and checks the bearer secret -----------
FROM runtime AS receiver
COPY --from=build /src/launcher/target/launcher.jar /app/launcher.jar
COPY --from=build /src/launcher/target/lib /app/lib
EXPOSE 8080
ENTRYPOINT ["java", "-cp", "/app/launcher.jar", "dev.webhookpipeline.launcher.DemoReceiver", "--bind", "0.0.0.0", "--port", "8080"]
