package dev.webhookpipeline.localservices;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Uuid;

/**
 * A single-node KRaft broker (broker + controller) as a child process, with its data under
 * {@code <home>/data} so a restart keeps the topics. Formats the storage once, then runs
 * {@code kafka.Kafka server.properties} from this JVM's classpath.
 *
 * <pre>{@code
 * LocalKafka.Broker broker = new LocalKafka(home, logs).jvmOptions("-Dlogback.configurationFile=x.xml").start(9092, 9093);
 * broker.awaitReady(Duration.ofSeconds(90));
 * }</pre>
 */
public final class LocalKafka {

    /** Heap and collector for a broker beside a laptop's other services: small, and no GC threads to spare. */
    public static final List<String> SMALL_FOOTPRINT = List.of("-Xmx512m", "-XX:+UseSerialGC");
    /**
     * What Kafka's own start scripts give a broker ({@code KAFKA_HEAP_OPTS} and
     * {@code KAFKA_JVM_PERFORMANCE_OPTS} of kafka-run-class.sh): for measurements, where a small
     * serial-collected heap would stop the broker at every collection and be what is measured.
     */
    public static final List<String> KAFKA_DEFAULTS = List.of("-Xmx1g", "-Xms1g", "-XX:+UseG1GC",
            "-XX:MaxGCPauseMillis=20", "-XX:InitiatingHeapOccupancyPercent=35", "-XX:+ExplicitGCInvokesConcurrent");

    private final Path home;
    private final Path logDir;
    private final List<String> jvmOptions = new ArrayList<>();
    private List<String> heapAndCollector = SMALL_FOOTPRINT;
    private boolean killedOnExit;

    /** @param home where the broker keeps its data and settings; @param logDir where process output goes */
    public LocalKafka(Path home, Path logDir) {
        this.home = home.toAbsolutePath();
        this.logDir = logDir;
    }

    /**
     * A broker on free loopback ports with its data in {@code home} and its output in {@code logDir},
     * killed when this JVM exits, ready to use, with Kafka's own heap and collector settings: the benchmark's.
     */
    public static Broker startOnFreePorts(Path home, Path logDir, Duration readyTimeout, String... jvmOptions) {
        int[] ports = FreePorts.pick(2); // the broker's and the controller's: they must differ
        Broker broker = new LocalKafka(home, logDir).heapAndCollector(KAFKA_DEFAULTS).jvmOptions(jvmOptions).killedOnExit()
                .start(ports[0], ports[1]);
        try {
            broker.awaitReady(readyTimeout);
            return broker;
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
    }

    /** JVM options of the broker (and of the formatting run), such as {@code -Dlogback.configurationFile=...}. */
    public LocalKafka jvmOptions(String... options) {
        jvmOptions.addAll(List.of(options));
        return this;
    }

    /** The broker's heap and garbage collector options ({@link #SMALL_FOOTPRINT} unless set). */
    public LocalKafka heapAndCollector(List<String> options) {
        heapAndCollector = List.copyOf(options);
        return this;
    }

    /** Kill the broker when this JVM exits (see {@link JavaProcess.Builder#killedOnExit()}). */
    public LocalKafka killedOnExit() {
        killedOnExit = true;
        return this;
    }

    public Path dataDir() {
        return home.resolve("data");
    }

    /** The controller port the data folder was formatted with (its single voter's address), if any. */
    public Integer formattedControllerPort() throws IOException {
        Path recorded = home.resolve("controller.port");
        return Files.isRegularFile(recorded) ? Integer.valueOf(Files.readString(recorded).strip()) : null;
    }

    /**
     * Starts the broker on {@code localhost:port}, formatting its data folder first if new; does not wait
     * until it answers ({@link Broker#awaitReady}).
     *
     * @throws IllegalStateException if the data folder cannot be formatted; the message names the log
     */
    public Broker start(int port, int controllerPort) {
        try {
            Files.createDirectories(dataDir());
            Path properties = home.resolve("server.properties");
            Files.writeString(properties, serverProperties(port, controllerPort));
            // Formatting is needed once per data folder; StorageTool exits 0 even when it refuses, so the
            // proof it worked is meta.properties.
            if (!Files.isRegularFile(dataDir().resolve("meta.properties"))) {
                Path formatLog = logDir.resolve("kafka-format.log");
                int code = JavaProcess.builder("kafka.tools.StorageTool", formatLog)
                        .jvmArgs("-Xmx256m").jvmArgs(jvmOptions.toArray(String[]::new))
                        .args("format", "--standalone", "-t", Uuid.randomUuid().toString(), "-c", properties.toString())
                        .start().waitForExit(Duration.ofSeconds(90));
                if (code != 0 || !Files.isRegularFile(dataDir().resolve("meta.properties"))) {
                    throw new IllegalStateException("could not format Kafka's data folder " + dataDir() + " (exit " + code
                            + "); see " + formatLog + ". Deleting " + home + " starts from an empty broker.");
                }
                Files.writeString(home.resolve("controller.port"), Integer.toString(controllerPort));
            }
            JavaProcess.Builder broker = JavaProcess.builder("kafka.Kafka", logDir.resolve("kafka.log"))
                    .jvmArgs(heapAndCollector.toArray(String[]::new)).jvmArgs(jvmOptions.toArray(String[]::new))
                    .args(properties.toString());
            if (killedOnExit) {
                broker.killedOnExit();
            }
            return new Broker(broker.start(), "localhost:" + port);
        } catch (IOException e) {
            throw new UncheckedIOException("could not prepare Kafka's folder " + home, e);
        }
    }

    private String serverProperties(int port, int controllerPort) {
        return String.join("\n",
                "# Written at each start (ports may change); data in log.dirs is kept.",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.bootstrap.servers=localhost:" + controllerPort,
                "listeners=PLAINTEXT://:" + port + ",CONTROLLER://:" + controllerPort,
                "advertised.listeners=PLAINTEXT://localhost:" + port + ",CONTROLLER://localhost:" + controllerPort,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
                "log.dirs=" + dataDir(),
                "offsets.topic.replication.factor=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "");
    }

    /** A started broker process and the address clients use. */
    public static final class Broker implements AutoCloseable {

        private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);

        private final JavaProcess process;
        private final String bootstrapServers;

        private Broker(JavaProcess process, String bootstrapServers) {
            this.process = process;
            this.bootstrapServers = bootstrapServers;
        }

        public JavaProcess process() {
            return process;
        }

        public String bootstrapServers() {
            return bootstrapServers;
        }

        public Admin admin() {
            return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
        }

        /**
         * Waits until the broker answers a metadata request.
         *
         * @throws IllegalStateException early, naming the log, if the process died; or at the timeout
         */
        public void awaitReady(Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            Map<String, Object> props = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) PROBE_TIMEOUT.toMillis(),
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) PROBE_TIMEOUT.toMillis());
            while (true) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("Kafka exited during start-up; see " + process.log());
                }
                try (Admin admin = Admin.create(props)) {
                    admin.describeCluster().clusterId().get(PROBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                    return;
                } catch (TimeoutException | ExecutionException | KafkaException notYet) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("Kafka did not become ready within " + timeout.toSeconds()
                                + " s; see " + process.log());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for Kafka", e);
                }
            }
        }

        /** Stops the broker (SIGTERM, then SIGKILL after 30 s). */
        @Override
        public void close() {
            if (process.isAlive()) {
                process.stop(Duration.ofSeconds(30));
            }
        }
    }
}
