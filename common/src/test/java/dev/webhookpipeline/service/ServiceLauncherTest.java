package dev.webhookpipeline.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webhookpipeline.settings.SettingsException;
import dev.webhookpipeline.topics.TopicMismatchException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The shared start-up sequence, with fake steps: order, a failing step, the shutdown hook. */
class ServiceLauncherTest {

    private final List<String> steps = new CopyOnWriteArrayList<>(); // the service's thread and the hook's
    private final List<Thread> hooks = new ArrayList<>();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final ServiceLauncher launcher = new ServiceLauncher("svc",
            new PrintStream(err, true, StandardCharsets.UTF_8), hook -> {
                steps.add("hook");
                hooks.add(hook);
            });

    @Test
    void runsTheChecksThenBuildsInstallsTheHookStartsAndWaits() throws Exception {
        FakeService service = new FakeService(7);
        service.stopped.countDown(); // it stops on its own at once, with its exit code

        int exit = launcher.run(() -> plan(null, service));

        assertThat(exit).isEqualTo(7);
        assertThat(steps).containsExactly("settings", "kafka", "registry", "topics", "subjects", "create", "hook",
                "start", "await");
        assertThat(err()).isEmpty();
    }

    @Test
    void aFailingCheckStopsTheRestWithItsMessageAndExitCode() throws Exception {
        int exit = launcher.run(() -> plan("kafka", new FakeService(0)));

        assertThat(exit).isEqualTo(ServiceLauncher.EXIT_CANNOT_START);
        assertThat(steps).containsExactly("settings", "kafka");
        assertThat(hooks).isEmpty();
        assertThat(err()).isEqualTo("svc: cannot reach kafka: check --bootstrap-servers\n");
    }

    @Test
    void badSettingsStopBeforeAnyCheck() throws Exception {
        int exit = launcher.run(() -> {
            steps.add("settings");
            throw new SettingsException("pipeline.x must be a duration");
        });

        assertThat(exit).isEqualTo(ServiceLauncher.EXIT_CANNOT_START);
        assertThat(steps).containsExactly("settings");
        assertThat(err()).isEqualTo("svc: pipeline.x must be a duration\n");
    }

    @Test
    void topicsOfAnotherLayoutAreReportedAsTheyAre() throws Exception {
        int exit = launcher.run(() -> plan("topics", new FakeService(0)));

        assertThat(exit).isEqualTo(ServiceLauncher.EXIT_CANNOT_START);
        assertThat(steps).containsExactly("settings", "kafka", "registry", "topics");
        assertThat(err()).startsWith("svc: ").contains("t has 3 partitions").doesNotContain("cannot start");
    }

    @Test
    void anUnexpectedFailureSaysItCannotStart() throws Exception {
        int exit = launcher.run(() -> plan("subjects", new FakeService(0)));

        assertThat(exit).isEqualTo(ServiceLauncher.EXIT_CANNOT_START);
        assertThat(steps).containsExactly("settings", "kafka", "registry", "topics", "subjects");
        assertThat(err()).isEqualTo("svc: cannot start: registry said 500\n");
    }

    @Test
    void theShutdownHookStopsWhatStartedAndEndsTheWait() throws Exception {
        FakeService service = new FakeService(0);
        Thread main = new Thread(() -> {
            try {
                service.exit = launcher.run(() -> plan(null, service));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        main.start();
        service.waiting.await(); // started, and the main thread waits for it

        assertThat(hooks).hasSize(1);
        hooks.get(0).run(); // as the JVM runs it on SIGTERM
        main.join(10_000);

        assertThat(main.isAlive()).isFalse();
        assertThat(steps).endsWith("start", "await", "stop");
        assertThat(service.exit).isZero();
    }

    @Test
    void aServiceThatFailsToStartIsReportedAndTheHookStillStopsIt() throws Exception {
        FakeService service = new FakeService(0);
        service.startFailure = new IllegalStateException("port 8090 in use");

        int exit = launcher.run(() -> plan(null, service));

        assertThat(exit).isEqualTo(ServiceLauncher.EXIT_CANNOT_START);
        assertThat(err()).isEqualTo("svc: cannot start: port 8090 in use\n");
        assertThat(steps).endsWith("hook", "start").doesNotContain("await");
        hooks.get(0).run();
        assertThat(steps).endsWith("stop");
    }

    /** Fake checks that record their order; {@code failing} names the one that throws. */
    private ServiceLauncher.Plan plan(String failing, FakeService service) {
        steps.add("settings");
        StartupChecks checks = new StartupChecks() {
            @Override
            public void requireKafka() {
                step("kafka", failing, new SettingsException("cannot reach kafka: check --bootstrap-servers"));
            }

            @Override
            public void requireRegistry() {
                step("registry", failing, new SettingsException("registry unreachable"));
            }

            @Override
            public void ensureTopics() {
                step("topics", failing, new TopicMismatchException(List.of("t has 3 partitions, the pipeline needs 6")));
            }

            @Override
            public void ensureSubjects() {
                step("subjects", failing, new IllegalStateException("registry said 500"));
            }
        };
        return new ServiceLauncher.Plan(checks, () -> {
            steps.add("create");
            return service;
        });
    }

    private void step(String name, String failing, RuntimeException failure) {
        steps.add(name);
        if (name.equals(failing)) {
            throw failure;
        }
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private final class FakeService implements ServiceLauncher.Service {
        final CountDownLatch waiting = new CountDownLatch(1);
        final CountDownLatch stopped = new CountDownLatch(1);
        final int exitWhenStoppedOnItsOwn;
        volatile boolean stopAsked;
        RuntimeException startFailure;
        volatile int exit = -1;

        FakeService(int exitWhenStoppedOnItsOwn) {
            this.exitWhenStoppedOnItsOwn = exitWhenStoppedOnItsOwn;
        }

        @Override
        public void start() {
            steps.add("start");
            if (startFailure != null) {
                throw startFailure;
            }
        }

        @Override
        public void stop() {
            steps.add("stop");
            stopAsked = true;
            stopped.countDown();
        }

        @Override
        public int awaitStop() throws InterruptedException {
            steps.add("await");
            waiting.countDown();
            stopped.await();
            return stopAsked ? 0 : exitWhenStoppedOnItsOwn;
        }
    }
}
