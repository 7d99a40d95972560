package dev.webhookpipeline.producer.cli;

import dev.webhookpipeline.testsupport.TestServices;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Runs {@code webhookctl} command lines as a user would, against the test services and one topic prefix. */
record CliRunner(TestServices services, String prefix) {

    record Result(int exit, String out, String err) {
        List<String> lines() {
            return out.lines().toList();
        }
    }

    Result runWithInput(String stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of("--bootstrap-servers", services.bootstrapServers(),
                "--schema-registry-url", services.schemaRegistryUrl(), "--topic-prefix", prefix));
        all.addAll(List.of(args));
        int exit = WebhookCtl.run(all.toArray(String[]::new), new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(exit, out.toString(), err.toString());
    }

    Result run(String... args) {
        return runWithInput("", args);
    }
}
