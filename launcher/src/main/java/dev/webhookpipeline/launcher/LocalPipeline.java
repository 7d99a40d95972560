package dev.webhookpipeline.launcher;

import dev.webhookpipeline.admin.OperatorAuth;
import dev.webhookpipeline.schema.SchemaClasses;
import dev.webhookpipeline.secrets.KeyRing;
import dev.webhookpipeline.service.PipelineStartupChecks;
import dev.webhookpipeline.settings.Durations;
import dev.webhookpipeline.settings.JarVersion;
import dev.webhookpipeline.settings.PipelineSettings;
import dev.webhookpipeline.settings.SettingsException;
import dev.webhookpipeline.signing.SigningSecret;
import dev.webhookpipeline.localservices.ApicurioRegistry;
import dev.webhookpipeline.localservices.FreePorts;
import dev.webhookpipeline.localservices.JavaProcess;
import dev.webhookpipeline.localservices.LocalKafka;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/**
 * The whole pipeline on one machine: a KRaft broker and an Apicurio registry as child processes, the
 * topics, the router and the dispatcher; with {@code demo}, also a tenant whose endpoint is an
 * in-process {@link DemoReceiver} and a trickle of sample events. Progress goes to stderr, the ready
 * summary and the demo receiver's lines to stdout. SIGTERM / Ctrl-C stops everything in reverse order.
 */
@Command(name = "run-local", mixinStandardHelpOptions = true, sortOptions = false, versionProvider = JarVersion.class,
        description = {"Runs the whole webhook pipeline on this machine: Kafka (KRaft, data kept in --data-dir),"
                + " the schema registry, the topics, the router and the dispatcher. With 'demo', also a demo"
                + " tenant, a receiver that prints each webhook, and a trickle of sample events.",
            "Ctrl-C (SIGINT/SIGTERM) stops everything in order: dispatcher, router, registry, Kafka."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:stopped cleanly", "1:could not start, or a service stopped on its own (the message says why)",
            "2:invalid command line", "130/143:stopped by Ctrl-C / SIGTERM (after a clean shutdown)"})
public final class LocalPipeline implements Callable<Integer> {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
    /** The logging of every child (broker, router, dispatcher): to stdout, which goes to its log file. */
    private static final String SERVICES_LOGGING = "-Dlogback.configurationFile=launcher-services-logback.xml";

    @Parameters(arity = "0..1", paramLabel = "demo", description = "Also run the demo tenant, receiver and events.")
    String mode;

    @Option(names = "--kafka-port", paramLabel = "PORT", defaultValue = "${env:LOCAL_KAFKA_PORT:-9092}",
            description = "Kafka's client port (default 9092; env LOCAL_KAFKA_PORT).")
    int kafkaPort;

    @Option(names = "--controller-port", paramLabel = "PORT", defaultValue = "${env:LOCAL_CONTROLLER_PORT}",
            description = "Kafka's controller port (default: the one the data folder was created with, else 9093;"
                    + " env LOCAL_CONTROLLER_PORT).")
    Integer controllerPort;

    @Option(names = "--registry-port", paramLabel = "PORT", defaultValue = "${env:LOCAL_REGISTRY_PORT:-8081}",
            description = "Schema registry port (default 8081; env LOCAL_REGISTRY_PORT).")
    int registryPort;

    @Option(names = "--status-port", paramLabel = "PORT", defaultValue = "${env:LOCAL_STATUS_PORT:-8090}",
            description = "The dispatcher's status page, API and metrics (default 8090; env LOCAL_STATUS_PORT).")
    int statusPort;

    @Option(names = "--receiver-port", paramLabel = "PORT", defaultValue = "${env:LOCAL_RECEIVER_PORT:-0}",
            description = "Demo receiver port (default: any free port; env LOCAL_RECEIVER_PORT).")
    int receiverPort;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "${env:LOCAL_DATA_DIR:-data}",
            description = "Where Kafka's data, the registry's database, the router's state and the logs live"
                    + " (default ./data; env LOCAL_DATA_DIR). Delete it to start from scratch.")
    Path dataDir;

    @Option(names = "--demo-interval", paramLabel = "DURATION", defaultValue = "2s",
            description = "With demo: time between sample events (default 2s).")
    String demoInterval;

    private final PrintStream progress = System.err;
    private final PrintStream out = System.out;
    private final long startNanos = System.nanoTime();

    public static void main(String[] args) {
        System.setProperty("logback.configurationFile", "launcher-logback.xml");
        SchemaClasses.trust();
        System.exit(new CommandLine(new LocalPipeline()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (mode != null && !mode.equals("demo")) {
            throw new CommandLine.ParameterException(new CommandLine(this),
                    "unknown mode '" + mode + "': the only one is 'demo' (or none)");
        }
        Path data = dataDir.toAbsolutePath().normalize();
        Path logs = data.resolve("logs");
        Files.createDirectories(logs);
        LocalKafka kafka = new LocalKafka(data.resolve("kafka"), logs).jvmOptions(SERVICES_LOGGING);
        int cPort = controllerPort != null ? controllerPort
                : Optional.ofNullable(kafka.formattedControllerPort()).orElse(9093);
        Duration every;
        try {
            every = Durations.parse("--demo-interval", demoInterval);
        } catch (SettingsException e) {
            throw new CommandLine.ParameterException(new CommandLine(this), e.getMessage());
        }

        Children children = new Children(data.resolve("local-pipeline.pids"), progress);
        DemoTraffic[] demo = {null};
        DemoReceiver[] receiver = {null};
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            progress.println("stopping the local pipeline...");
            if (demo[0] != null) {
                demo[0].close();
            }
            children.stopAll();
            if (receiver[0] != null) {
                receiver[0].close();
            }
            progress.println("stopped.");
        }, "local-pipeline-stop"));

        try {
            requireFree(kafkaPort, "Kafka", "--kafka-port", "LOCAL_KAFKA_PORT");
            requireFree(cPort, "Kafka's controller", "--controller-port", "LOCAL_CONTROLLER_PORT");
            requireFree(registryPort, "the schema registry", "--registry-port", "LOCAL_REGISTRY_PORT");
            requireFree(statusPort, "the status page", "--status-port", "LOCAL_STATUS_PORT");
            if (receiverPort != 0) {
                requireFree(receiverPort, "the demo receiver", "--receiver-port", "LOCAL_RECEIVER_PORT");
            }

            long t = System.nanoTime();
            progress.println("starting Kafka on localhost:" + kafkaPort + " (data in " + kafka.dataDir()
                    + ") and the schema registry on port " + registryPort + "...");
            LocalKafka.Broker broker = kafka.start(kafkaPort, cPort);
            children.add("kafka", handle(broker.process()), broker.process().log());
            // The registry keeps its schemas in its own file database, so it starts alongside Kafka.
            long registryStart = System.nanoTime();
            CompletableFuture<ApicurioRegistry> registryReady = CompletableFuture.supplyAsync(() -> {
                ApicurioRegistry started = ApicurioRegistry.start(registryPort, FreePorts.one(registryPort, kafkaPort, cPort),
                        logs.resolve("registry.log"),
                        // Records in the topics carry schema ids: the registry must outlive a restart too.
                        List.of("-Dapicurio.datasource.url=jdbc:h2:file:" + data.resolve("registry").resolve("registry")));
                children.add("registry", ProcessHandle.of(started.pid()).orElseThrow(), started.logFile());
                progress.printf("schema registry ready in %.1f s%n", seconds(registryStart));
                return started;
            });
            String bootstrap = broker.bootstrapServers();
            broker.awaitReady(READY_TIMEOUT);
            progress.printf("Kafka ready in %.1f s%n", seconds(t));
            ApicurioRegistry registry;
            try {
                registry = registryReady.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }

            t = System.nanoTime();
            Map<String, String> overrides = new HashMap<>(Map.of(PipelineSettings.BOOTSTRAP_SERVERS, bootstrap,
                    "schema.registry.url", registry.url()));
            Optional<Path> localKeys = localSecretKeys(data, PipelineSettings.load(Optional.empty(), System.getenv(), overrides));
            localKeys.ifPresent(file -> overrides.put(KeyRing.KEYS_FILE, file.toString()));
            PipelineSettings settings = PipelineSettings.load(Optional.empty(), System.getenv(), overrides);
            // The services' start-up steps, minus the reachability checks: Kafka and the registry are this
            // process's children, already awaited ready above. Not ServiceLauncher.run as a whole: the
            // launcher runs several child processes, reports through "run-local:", and its own shutdown
            // hook (above) stops them in reverse order. Made once here before either service starts; each
            // checks them again at its own start.
            var steps = new PipelineStartupChecks(settings.kafkaProperties(), settings.registryClient(),
                    settings.topics(), Duration.ofSeconds(30));
            steps.ensureTopics();
            steps.ensureSubjects();
            progress.printf("topics and schemas ready in %.1f s%n", seconds(t));

            List<String> connection = List.of("--bootstrap-servers", bootstrap, "--schema-registry-url", registry.url());
            t = System.nanoTime();
            // Logs are appended across runs: readiness counts only what this run wrote.
            long routerLogStart = sizeOf(logs.resolve("router.log"));
            long dispatcherLogStart = sizeOf(logs.resolve("dispatcher.log"));
            Path routerConfig = data.resolve("router.properties");
            // After a crash (no clean leave) a restarted router waits for the old member's session to
            // expire (45 s by default); a short session keeps local restarts quick.
            Files.writeString(routerConfig, "# Written by the local launcher at each start.\nsession.timeout.ms=10000\n");
            JavaProcess router = service("dev.webhookpipeline.router.RouterMain", logs.resolve("router.log"))
                    .args(connection.toArray(String[]::new))
                    .args("--state-dir", data.resolve("router-state").toString(), "--config", routerConfig.toString())
                    .start();
            children.add("router", handle(router), router.log());
            String token = operatorToken(data, settings);
            Path dispatcherConfig = data.resolve("dispatcher.properties");
            writePrivate(dispatcherConfig, "# Written by the local launcher at each start.\n"
                    + "pipeline.admin.port=" + statusPort + "\n" + OperatorAuth.TOKEN + "=" + token + "\n");
            JavaProcess dispatcher = service("dev.webhookpipeline.dispatcher.DispatcherMain", logs.resolve("dispatcher.log"))
                    .args(connection.toArray(String[]::new))
                    .args("--config", dispatcherConfig.toString()) // the token stays out of the process list
                    // Local endpoints (the demo receiver, yours) are plain http on loopback.
                    .args("-X", "pipeline.endpoints.allow-http=true", "-X", "pipeline.endpoints.allow-cidrs=127.0.0.0/8")
                    .args(localKeys.map(file -> new String[] {"-X", KeyRing.KEYS_FILE + "=" + file}).orElse(new String[0]))
                    .start();
            children.add("dispatcher", handle(dispatcher), dispatcher.log());
            awaitLine(router, routerLogStart, "-> RUNNING", "router");
            awaitLine(dispatcher, dispatcherLogStart, "dispatcher ready", "dispatcher");
            progress.printf("router and dispatcher ready in %.1f s%n", seconds(t));

            if (mode != null) {
                String secret = SigningSecret.generate(); // a Standard Webhooks secret, as webhookctl would make
                receiver[0] = DemoReceiver.start(receiverPort, secret, out);
                demo[0] = DemoTraffic.start(settings, receiver[0].url(), secret, every, progress);
            }
            printSummary(bootstrap, registry.url(), logs, receiver[0], every, data.resolve(OPERATOR_TOKEN_FILE), localKeys);
        } catch (LaunchException | SettingsException | IllegalStateException e) {
            progress.println("run-local: " + e.getMessage());
            return 1;
        }

        // Runs until Ctrl-C / SIGTERM (the shutdown hook stops everything) or until a service dies.
        Children.Child exited = children.anyExit().get();
        if (children.stopping()) {
            return 0;
        }
        progress.println("run-local: " + exited.name() + " stopped on its own; see " + exited.log()
                + ". Stopping the rest.");
        return 1;
    }

    private static JavaProcess.Builder service(String mainClass, Path log) {
        return JavaProcess.builder(mainClass, log)
                .jvmArgs("-Xmx256m", "-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED",
                        SERVICES_LOGGING);
    }

    private void printSummary(String bootstrap, String registryUrl, Path logs, DemoReceiver receiver, Duration every,
                              Path tokenFile, Optional<Path> localKeys) {
        out.printf("%nLocal pipeline ready in %.1f s.%n", seconds(startNanos));
        out.println("  Kafka            " + bootstrap);
        out.println("  Schema registry  " + registryUrl);
        out.println("  Status page      http://127.0.0.1:" + statusPort + "/ -- sign in with the operator token in "
                + tokenFile + " (API: /api/tenants, metrics: /metrics)");
        out.println("  Router, dispatcher and their logs: " + logs);
        if (receiver != null) {
            out.println("  Demo receiver    " + receiver.url() + " -- tenant '" + DemoTraffic.TENANT
                    + "' gets a sample event every " + every.toMillis() / 1000.0 + " s; its webhooks print below.");
        }
        out.println();
        out.println("Try it from another terminal (in this folder):");
        out.println("  export KAFKA_BOOTSTRAP_SERVERS=" + bootstrap + " SCHEMA_REGISTRY_URL=" + registryUrl
                + localKeys.map(file -> " PIPELINE_SECRETS_KEYS_FILE=" + file + "   # the key tenant secrets are encrypted with")
                        .orElse(""));
        out.println("  alias webhookctl=\"java -jar webhookctl/target/webhookctl.jar\"");
        out.println("  WEBHOOK_SECRET=a-long-shared-secret-123 java -cp launcher/target/launcher.jar"
                + " dev.webhookpipeline.launcher.DemoReceiver --port 9999 &   # a receiver of your own");
        out.println("  WEBHOOK_SECRET=a-long-shared-secret-123 webhookctl config set --tenant acme"
                + " --endpoint http://127.0.0.1:9999/webhooks --allow-http --allow-cidr 127.0.0.0/8"
                + " --events RISK_LEVEL_CHANGED,TASK_CREATED");
        out.println("  echo '{\"tenant_id\":\"acme\",\"type\":\"RISK_LEVEL_CHANGED\",\"data\":{\"new_risk_level\":\"HIGH\"}}'"
                + " | webhookctl publish");
        out.println("Ctrl-C stops everything.");
        out.println();
        out.flush();
    }

    /** Polls a service's log, from {@code offset} on, for the line it prints once it runs, with a deadline. */
    private static void awaitLine(JavaProcess process, long offset, String line, String name)
            throws InterruptedException, IOException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (!logSince(process.log(), offset).contains(line)) {
            if (!process.isAlive()) {
                throw new LaunchException(name + " exited during start-up; see " + process.log());
            }
            if (System.nanoTime() > deadline) {
                throw new LaunchException(name + " did not become ready within " + READY_TIMEOUT.toSeconds()
                        + " s; see " + process.log());
            }
            Thread.sleep(100); // polling a child's log for readiness, with a deadline
        }
    }

    private static String logSince(Path log, long offset) throws IOException {
        try (var channel = FileChannel.open(log)) {
            var bytes = ByteBuffer.allocate((int) Math.max(0, channel.size() - offset));
            channel.read(bytes, offset);
            return new String(bytes.array(), 0, bytes.position(), StandardCharsets.UTF_8);
        }
    }

    private static long sizeOf(Path file) throws IOException {
        return Files.exists(file) ? Files.size(file) : 0;
    }

    /** A busy port would make the readiness probe talk to someone else's server: refuse, naming the setting. */
    static void requireFree(int port, String what, String option, String env) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(port)); // the wildcard address, as Kafka binds
        } catch (IOException e) {
            throw new LaunchException("port " + port + " (" + what + ") is already in use, maybe by another local run"
                    + " or another Kafka: stop that, or choose another port with " + option + " N (env " + env + ")");
        }
    }

    /** Where the status page's operator token is kept (mode 600), in the data folder. */
    static final String OPERATOR_TOKEN_FILE = "operator-token";

    /**
     * The operator token of the status page: the settings' (PIPELINE_ADMIN_TOKEN), else the one kept
     * in the data folder, else a new one; checked here, so a short one is reported before anything starts.
     */
    private static String operatorToken(Path data, PipelineSettings settings) throws IOException {
        Path file = data.resolve(OPERATOR_TOKEN_FILE);
        String token = settings.get(OperatorAuth.TOKEN).map(String::strip).orElse(null);
        if (token == null) {
            token = Files.exists(file) ? Files.readString(file).strip() : randomSecret();
        }
        try {
            new OperatorAuth(token);
        } catch (SettingsException e) {
            throw new LaunchException(e.getMessage());
        }
        writePrivate(file, token + "\n");
        return token;
    }

    /** Where the local run's secret-encryption key is kept (mode 600), in the data folder. */
    static final String SECRET_KEYS_FILE = "secret-keys";

    /**
     * The key file tenant secrets are encrypted with in the config topic: the data folder's, made at
     * the first run, so local configs are stored as in a real deployment. Empty when the settings
     * already name keys (PIPELINE_SECRETS_KEYS_FILE / PIPELINE_SECRETS_KEYS): the services inherit them.
     */
    private static Optional<Path> localSecretKeys(Path data, PipelineSettings settings) throws IOException {
        if (!KeyRing.from(settings).isEmpty()) {
            return Optional.empty();
        }
        Path file = data.resolve(SECRET_KEYS_FILE);
        if (!Files.exists(file)) {
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            writePrivate(file, "# Written by the local launcher: the key tenant secrets are encrypted with in the"
                    + " config topic.\n# Keep it with the data: without it, the stored secrets cannot be read.\n"
                    + "local-1=" + Base64.getEncoder().encodeToString(key) + "\n");
        }
        return Optional.of(file.toAbsolutePath());
    }

    /** Writes a file only its owner can read (it holds a token). */
    private static void writePrivate(Path file, String content) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, content);
    }

    private static String randomSecret() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    private static ProcessHandle handle(JavaProcess process) {
        return ProcessHandle.of(process.pid()).orElseThrow(() -> new LaunchException(
                "a service exited right after it started; see " + process.log()));
    }
}
