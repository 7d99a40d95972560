package dev.webhookpipeline.localservices;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A pipeline process (a {@code main} class) run in its own JVM on this JVM's classpath, so the local
 * launcher, the benchmark and tests can kill it abruptly ({@link #kill()}: SIGKILL, no shutdown hook
 * runs) or stop it as an operator would ({@link #stop}: SIGTERM). Its stdout and stderr go to a log
 * file the caller can read.
 *
 * <pre>{@code
 * try (JavaProcess router = JavaProcess.builder("dev.webhookpipeline.router.RouterMain", log)
 *         .args("--config", file.toString()).start()) { ... router.kill(); ... }
 * }</pre>
 */
public final class JavaProcess implements AutoCloseable {

    private final Process process;
    private final Path log;

    private JavaProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** @param log where the child's stdout and stderr are appended (restarts keep earlier runs' output) */
    public static Builder builder(String mainClass, Path log) {
        return new Builder(mainClass, log);
    }

    public static final class Builder {
        private final String mainClass;
        private final Path log;
        private final List<String> jvmArgs = new ArrayList<>();
        private final List<String> args = new ArrayList<>();
        private boolean killedOnExit;

        private Builder(String mainClass, Path log) {
            this.mainClass = mainClass;
            this.log = log;
            // Avro 1.12 only instantiates trusted classes; the parent pom gives test JVMs this, children need it too.
            jvmArgs.add("-Dorg.apache.avro.SERIALIZABLE_PACKAGES=dev.webhookpipeline.schema");
        }

        /** JVM options such as {@code -Xmx256m} or {@code -Dkey=value}. */
        public Builder jvmArgs(String... options) {
            jvmArgs.addAll(List.of(options));
            return this;
        }

        /**
         * Kill the process when this JVM exits, even on SIGTERM/Ctrl-C before it was closed. Not for
         * an owner that stops its children itself, in order, from its own shutdown hook (hooks run
         * concurrently): the local launcher.
         */
        public Builder killedOnExit() {
            killedOnExit = true;
            return this;
        }

        public Builder args(String... arguments) {
            args.addAll(List.of(arguments));
            return this;
        }

        public JavaProcess start() {
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(jvmArgs);
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            command.add(mainClass);
            command.addAll(args);
            try {
                Files.createDirectories(log.toAbsolutePath().getParent());
                Process process = new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
                if (killedOnExit) {
                    killOnExit(process);
                }
                return new JavaProcess(process, log);
            } catch (IOException e) {
                throw new UncheckedIOException("could not start " + mainClass, e);
            }
        }
    }

    /** Kills {@code child} when this JVM exits, if it is still running. */
    static void killOnExit(Process child) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (child.isAlive()) {
                child.destroyForcibly();
            }
        }, "kill-child-" + child.pid()));
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    public Path log() {
        return log;
    }

    /** Everything the process (and earlier runs sharing the log file) printed so far. */
    public String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SIGKILL: the process gets no chance to commit, flush or close anything. Waits until it is gone. */
    public void kill() {
        process.destroyForcibly();
        waitForExit(Duration.ofSeconds(30));
    }

    /** SIGTERM, as an operator or orchestrator stops a process; returns its exit code. */
    public int stop(Duration timeout) {
        process.destroy();
        return waitForExit(timeout);
    }

    /** Waits for the process to end by itself; returns its exit code. */
    public int waitForExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("process " + process.pid() + " did not exit within " + timeout
                        + "; killed it. Its output: " + log);
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IllegalStateException("interrupted while waiting for process " + process.pid(), e);
        }
    }

    /** Never leaves a process behind a failed test. */
    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }
}
