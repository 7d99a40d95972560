package dev.webhookpipeline.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The processes the launcher started, in start order. {@link #stopAll} stops them in reverse order
 * (dispatcher, router, registry, Kafka), each with SIGTERM and a wait, so every service shuts down
 * cleanly while the ones it depends on are still up. Their pids go to a file so a user (or a test)
 * can check that nothing is left behind.
 */
final class Children {

    record Child(String name, ProcessHandle process, Path log) {}

    private static final long STOP_TIMEOUT_SECONDS = 30;

    private final List<Child> started = new ArrayList<>(); // guarded by this
    private final Path pidFile;
    private final PrintStream progress;
    private boolean stopping; // guarded by this

    Children(Path pidFile, PrintStream progress) {
        this.pidFile = pidFile;
        this.progress = progress;
    }

    /** Records a started process; if a stop has begun meanwhile (Ctrl-C during start-up), stops it at once. */
    void add(String name, ProcessHandle process, Path log) {
        boolean late;
        synchronized (this) {
            late = stopping;
            if (!late) {
                started.add(new Child(name, process, log));
                writePidFile();
            }
        }
        progress.println("started " + name + " (pid " + process.pid() + "), log " + log);
        if (late) {
            stop(new Child(name, process, log));
        }
    }

    synchronized List<Child> all() {
        return List.copyOf(started);
    }

    /** Completes with the first child that exits. */
    CompletableFuture<Child> anyExit() {
        List<CompletableFuture<Child>> exits = all().stream()
                .map(c -> c.process().onExit().thenApply(p -> c)).toList();
        CompletableFuture<Child> first = new CompletableFuture<>();
        exits.forEach(f -> f.thenAccept(first::complete));
        return first;
    }

    synchronized boolean stopping() {
        return stopping;
    }

    /** Stops every child, newest first, and waits for each. Idempotent. */
    void stopAll() {
        List<Child> toStop;
        synchronized (this) {
            if (stopping) {
                return;
            }
            stopping = true;
            toStop = new ArrayList<>(started);
        }
        for (int i = toStop.size() - 1; i >= 0; i--) {
            stop(toStop.get(i));
        }
        try {
            Files.deleteIfExists(pidFile);
        } catch (IOException e) {
            progress.println("could not delete " + pidFile + ": " + e.getMessage());
        }
    }

    private void stop(Child child) {
        if (!child.process().isAlive()) {
            return;
        }
        long start = System.nanoTime();
        child.process().destroy(); // SIGTERM: the service's shutdown hook commits and leaves cleanly
        try {
            child.process().onExit().get(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            progress.printf("stopped %s in %.1f s%n", child.name(), (System.nanoTime() - start) / 1e9);
        } catch (TimeoutException e) {
            child.process().destroyForcibly();
            progress.println(child.name() + " did not stop within " + STOP_TIMEOUT_SECONDS + " s: killed it; see "
                    + child.log());
        } catch (Exception e) {
            child.process().destroyForcibly();
            progress.println("interrupted while stopping " + child.name() + ": killed it");
        }
    }

    /** One line per process: {@code <name> <pid>}. */
    private void writePidFile() {
        StringBuilder text = new StringBuilder();
        started.forEach(c -> text.append(c.name()).append(' ').append(c.process().pid()).append('\n'));
        try {
            Files.writeString(pidFile, text);
        } catch (IOException e) {
            progress.println("could not write " + pidFile + ": " + e.getMessage());
        }
    }
}
