package dev.webhookpipeline.settings;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.LoggerFactory;

/**
 * The Kafka client loggers that warn once per reconnect attempt ("Connection to node -1 ... could not
 * be established"): with Kafka unreachable, some twenty lines before the one clear error that says
 * what to fix. One rule for every process: a start-up check runs with them at ERROR and puts them
 * back afterwards, so a running service still logs later connection trouble; a short command line
 * (webhookctl) keeps them at ERROR for its whole run. Only acts when logback is the logging backend.
 */
public final class KafkaConnectionWarnings {

    static final List<String> LOGGERS = List.of("org.apache.kafka.clients.NetworkClient");

    private KafkaConnectionWarnings() {}

    /** Runs {@code check} with the reconnect warnings muted, then restores the levels they had. */
    public static <T> T mutedDuring(Supplier<T> check) {
        if (!logback()) {
            return check.get();
        }
        Map<String, Object> before = Logback.mute();
        try {
            return check.get();
        } finally {
            Logback.restore(before);
        }
    }

    /** Mutes them for the rest of this process: for a command line, whose own error is the whole story. */
    public static void muteForThisRun() {
        if (logback()) {
            Logback.mute();
        }
    }

    private static boolean logback() {
        try {
            return LoggerFactory.getILoggerFactory().getClass().getName().equals("ch.qos.logback.classic.LoggerContext");
        } catch (LinkageError e) {
            return false;
        }
    }

    /** Kept apart so the logback classes are loaded only when logback is there. */
    private static final class Logback {
        static Map<String, Object> mute() {
            Map<String, Object> before = new LinkedHashMap<>();
            for (String name : LOGGERS) {
                var logger = (Logger) LoggerFactory.getLogger(name);
                before.put(name, logger.getLevel() == null ? "inherited" : logger.getLevel());
                logger.setLevel(Level.ERROR);
            }
            return before;
        }

        static void restore(Map<String, Object> before) {
            before.forEach((name, level) -> ((Logger) LoggerFactory.getLogger(name))
                    .setLevel(level instanceof Level l ? l : null)); // null: inherit again
        }
    }
}
