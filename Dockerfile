# One image for every streamrl command; docker-compose.yml runs it as the learner and the actors.
#   docker build -t streamrl:local .
#   docker run --rm streamrl:local --help
# See docs/docker.md.

# ---- build: the self-contained jar -------------------------------------------------------------
FROM maven:3.9.11-eclipse-temurin-17 AS build
WORKDIR /src

# Dependencies first, from the POMs alone: this layer (several hundred MB, ND4J's natives most of
# it) is rebuilt only when a POM changes, not on every source edit. List a new module here too.
COPY pom.xml ./
COPY schemas/pom.xml schemas/
COPY core/pom.xml core/
COPY embedded-broker/pom.xml embedded-broker/
COPY kafka-support/pom.xml kafka-support/
COPY learner/pom.xml learner/
COPY actor-service/pom.xml actor-service/
COPY producer/pom.xml producer/
COPY benchmarks/pom.xml benchmarks/
COPY app/pom.xml app/
# go-offline skips the reactor's own modules (excludeReactor, on by default), so it needs none of
# them built. What it misses (plexus-utils 1.1, which Maven adds to old plugins) is fetched below.
RUN mvn -B -q dependency:go-offline

COPY . .
RUN mvn -B -q package -DskipTests

# ---- runtime: a JRE and the jar --------------------------------------------------------------
# Ubuntu (glibc), not Alpine: ND4J's native backend is built against glibc. Temurin's JRE keeps
# the jdk.incubator.vector module that the default compute backend needs.
FROM eclipse-temurin:17.0.20_8-jre-jammy

# A fixed, unprivileged uid; its home holds JavaCPP's cache of unpacked native libraries (ND4J)
# and the learner's checkpoints (a volume in docker-compose.yml, created here so that it is the
# user's: a new named volume takes the ownership of the directory it is mounted on).
RUN groupadd --system --gid 10001 streamrl \
    && useradd --system --uid 10001 --gid streamrl --create-home --home-dir /home/streamrl streamrl \
    && install -d -o streamrl -g streamrl /home/streamrl/checkpoints

# Laid out as in the repository, so bin/streamrl finds the jar where it looks by default. The
# script is for interactive use inside a container (docker compose exec learner streamrl ...).
COPY --from=build /src/app/target/streamrl.jar /opt/streamrl/app/target/streamrl.jar
COPY bin/streamrl /opt/streamrl/bin/streamrl
ENV PATH="/opt/streamrl/bin:${PATH}"

USER streamrl
WORKDIR /home/streamrl
# The learner's Prometheus endpoint, as docker-compose.yml configures it (--metrics-port 9400).
EXPOSE 9400

# The JVM itself is PID 1 (exec form, no shell): `docker stop` sends SIGTERM straight to it, and
# its shutdown hooks stop the learner or actor cleanly (flush producers, close consumers). The
# flags are bin/streamrl's, plus a heap sized to the container: one JVM per container, so it may
# use most of the memory limit. bin/streamrl is not the entrypoint: it keeps java as a child
# behind a signal-forwarding bash, which as PID 1 drops a SIGTERM that arrives before its trap is
# set, and it adds a bash and a grep process to every container only to filter one warning line.
# Extra JVM options: set JDK_JAVA_OPTIONS (e.g. -Xmx2g).
ENTRYPOINT ["java", "--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC", "-XX:MaxRAMPercentage=75", \
            "-jar", "/opt/streamrl/app/target/streamrl.jar"]
CMD ["--help"]
