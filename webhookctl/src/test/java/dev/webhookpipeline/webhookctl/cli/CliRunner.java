package dev.webhookpipeline.webhookctl.cli;

import dev.webhookpipeline.testsupport.TestServices;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Runs {@code webhookctl} command lines as a user would, against the test services and one topic prefix. */
record CliRunner(TestServices services, String prefix) {

    record Result(int exit, String out, String err) {
        List<String> lines() {
            return out.lines().toList();
        }
    }

    /** A command running in the background; {@link #out()} shows what it has printed so far. */
    record Running(CompletableFuture<Result> result, StringWriter liveOut, StringWriter liveErr) {
        /** What it printed on stdout so far (StringWriter is synchronized: safe while the command writes). */
        String out() {
            return liveOut.toString();
        }

        String err() {
            return liveErr.toString();
        }
    }

    Running start(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CompletableFuture<Result> result = new CompletableFuture<>();
        // A thread of its own (not the common pool, which has one thread on two cores), a daemon so that a
        // command a failed test left following does not keep the test JVM alive.
        Thread thread = new Thread(() -> {
            try {
                int exit = WebhookCtl.run(withConnection(args), new ByteArrayInputStream(new byte[0]),
                        new PrintWriter(out, true), new PrintWriter(err, true));
                result.complete(new Result(exit, out.toString(), err.toString()));
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, "webhookctl " + String.join(" ", args));
        thread.setDaemon(true);
        thread.start();
        return new Running(result, out, err);
    }

    private String[] withConnection(String... args) {
        List<String> all = new ArrayList<>(List.of("--bootstrap-servers", services.bootstrapServers(),
                "--schema-registry-url", services.schemaRegistryUrl(), "--topic-prefix", prefix));
        all.addAll(List.of(args));
        return all.toArray(String[]::new);
    }

    Result runWithInput(String stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = WebhookCtl.run(withConnection(args), new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(exit, out.toString(), err.toString());
    }

    Result run(String... args) {
        return runWithInput("", args);
    }
}
