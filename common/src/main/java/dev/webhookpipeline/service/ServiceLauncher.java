package dev.webhookpipeline.service;

import dev.webhookpipeline.settings.SettingsException;
import dev.webhookpipeline.topics.TopicMismatchException;
import java.io.PrintStream;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The life of a pipeline service process (router, dispatcher), written once: settings, Kafka and the
 * schema registry reachable, topics, subjects, then the service is built, a shutdown hook that stops
 * it is installed, it starts, and the process waits until it stops. A main supplies what to start and
 * how to stop it ({@link Service}); the launcher supplies the order and the failure behaviour: a step
 * that fails stops the rest, prints one line {@code <name>: <what to fix>} on stderr and returns
 * {@link #EXIT_CANNOT_START}.
 *
 * <pre>{@code
 * return new ServiceLauncher("dispatcher").run(() -> new ServiceLauncher.Plan(checks, () -> service));
 * }</pre>
 */
public final class ServiceLauncher {

    /** Could not start: bad settings, topics of another layout, Kafka or the registry unreachable. */
    public static final int EXIT_CANNOT_START = 1;

    private static final Logger log = LoggerFactory.getLogger(ServiceLauncher.class);

    /** A built service: started once, stopped by the shutdown hook, waited for by the main thread. */
    public interface Service {
        void start() throws Exception;

        /** Stops cleanly (SIGTERM / Ctrl-C): finishes or commits what is in flight and leaves. */
        void stop();

        /** Blocks until the service stopped; returns the process's exit code (0 when asked to stop). */
        int awaitStop() throws InterruptedException;
    }

    /** Builds the service once the checks passed (it may need the topics, or fail on a busy port). */
    @FunctionalInterface
    public interface ServiceFactory {
        Service create() throws Exception;
    }

    /** What a main derived from its settings: the checks to pass and the service to run. */
    public record Plan(StartupChecks checks, ServiceFactory service) {}

    /** Reads the settings; throws {@link SettingsException} when they are missing or malformed. */
    @FunctionalInterface
    public interface Settings {
        Plan read() throws Exception;
    }

    private final String name;
    private final PrintStream err;
    private final Consumer<Thread> shutdownHooks;

    /** @param name the command's name, the prefix of its error lines ("dispatcher: ...") */
    public ServiceLauncher(String name) {
        this(name, System.err, Runtime.getRuntime()::addShutdownHook);
    }

    ServiceLauncher(String name, PrintStream err, Consumer<Thread> shutdownHooks) {
        this.name = name;
        this.err = err;
        this.shutdownHooks = shutdownHooks;
    }

    /** Runs the whole sequence; returns the exit code for {@code System.exit}. */
    public int run(Settings settings) throws InterruptedException {
        Service service;
        try {
            Plan plan = settings.read();
            StartupChecks checks = plan.checks();
            checks.requireKafka();
            checks.requireRegistry();
            checks.ensureTopics();
            checks.ensureSubjects();
            service = plan.service().create();
        } catch (Exception e) {
            return cannotStart(e);
        }
        // Installed before start: a Ctrl-C while the service starts still stops it cleanly.
        shutdownHooks.accept(new Thread(service::stop, name + "-shutdown"));
        try {
            service.start();
        } catch (Exception e) {
            return cannotStart(e); // the JVM's exit runs the hook, which stops what did start
        }
        return service.awaitStop();
    }

    /** One line on stderr; the stack trace too (to the log) when the failure is not a setting to fix. */
    private int cannotStart(Exception e) {
        if (e instanceof SettingsException || e instanceof TopicMismatchException) {
            err.println(name + ": " + e.getMessage()); // the message says what to fix
        } else {
            err.println(name + ": cannot start: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
            log.error("start-up failed", e);
        }
        return EXIT_CANNOT_START;
    }
}
