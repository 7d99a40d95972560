package dev.webhookpipeline.dispatcher;

import static dev.webhookpipeline.dispatcher.DispatcherTestHelper.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.webhookpipeline.testsupport.ManualClock;
import dev.webhookpipeline.testsupport.RealServicesExtension;
import dev.webhookpipeline.testsupport.RecordingReceiver.Reply;
import dev.webhookpipeline.testsupport.TestServices;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Retry schedule, timeouts, what counts as success, and bounded memory, end to end over real HTTP. */
@ExtendWith(RealServicesExtension.class)
class DispatcherRulesIT {

    /** The tenant's first attempt has completed, one way or the other. */
    static boolean attempted(Dispatcher dispatcher, String tenant) {
        return dispatcher.status(tenant).map(s -> s.lastFailure() != null || s.lastDeliveredId() > 0).orElse(false);
    }

    @Test
    void theBackoffFollowsTheScheduleOnAnInjectableClockAndRetryNowCutsIt(TestServices services) throws Exception {
        try (var t = new DispatcherTestHelper(services, "backoff")) {
            ManualClock clock = new ManualClock(Instant.parse("2026-11-25T00:00:00Z"));
            t.receiver.answer("backoff", Reply.status(500));
            t.configure("backoff", false, true);
            Dispatcher dispatcher = t.start(t.config().clock(clock).build());
            t.produce("backoff", 2);

            List<Duration> expected = List.of(Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(2),
                    Duration.ofMinutes(4), Duration.ofMinutes(8), Duration.ofMinutes(16), Duration.ofMinutes(32),
                    Duration.ofMinutes(64), Duration.ofMinutes(128), Duration.ofMinutes(256), Duration.ofMinutes(512),
                    Duration.ofHours(17).plusMinutes(4), Duration.ofDays(1), Duration.ofDays(1));
            for (int attempt = 1; attempt <= expected.size(); attempt++) {
                int n = attempt;
                await("attempt " + n, Duration.ofSeconds(20), () -> t.receiver.received("backoff").size() == n);
                await("its failure recorded", Duration.ofSeconds(20),
                        () -> dispatcher.status("backoff").map(s -> s.failedAttempts() == n).orElse(false));
                TenantStatus status = dispatcher.status("backoff").orElseThrow();
                Duration wait = expected.get(attempt - 1);
                assertThat(Duration.between(clock.instant(), status.nextAttemptAt())).isEqualTo(wait);
                clock.advance(wait.minusSeconds(1));
                assertThat(t.receiver.received("backoff")).as("no retry a second early").hasSize(n);
                clock.advance(Duration.ofSeconds(1));
            }
            await("attempt 15", Duration.ofSeconds(20), () -> t.receiver.received("backoff").size() == 15);
            await("its failure", Duration.ofSeconds(20),
                    () -> dispatcher.status("backoff").map(s -> s.failedAttempts() == 15).orElse(false));
            // A day to wait; retry-now goes at once, and the endpoint is fixed by now.
            t.receiver.answer("backoff", Reply.ok());
            dispatcher.retryNow("backoff");
            await("delivery after retry-now", Duration.ofSeconds(20), () -> t.firstReceipts("backoff").size() == 2);
            t.assertDeliveredInOrder("backoff");
            assertThat(t.receiver.received("backoff").stream().map(r -> r.ids().get(0)).distinct()).containsExactly(1L, 2L);
        }
    }

    @Test
    void anEndpointThatNeverAnswersFailsAtFiveSecondsBatchedAndTenSingle(TestServices services) throws Exception {
        try (var t = new DispatcherTestHelper(services, "timeout")) {
            t.receiver.answer("hang-batched", Reply.hang(Duration.ofSeconds(30)));
            t.receiver.answer("hang-single", Reply.hang(Duration.ofSeconds(30)));
            t.configure("hang-batched", true, true);
            t.configure("hang-single", false, true);
            Dispatcher dispatcher = t.start();
            t.produce("hang-batched", 1);
            t.produce("hang-single", 1);
            await("both to time out", Duration.ofSeconds(30), () -> attempted(dispatcher, "hang-batched")
                    && attempted(dispatcher, "hang-single"));
            var batched = dispatcher.status("hang-batched").orElseThrow().lastFailure();
            var single = dispatcher.status("hang-single").orElseThrow().lastFailure();
            assertThat(batched.error()).startsWith("timeout");
            assertThat(single.error()).startsWith("timeout");
            assertThat(batched.durationMillis()).isBetween(4_900L, 6_500L);
            assertThat(single.durationMillis()).isBetween(9_900L, 11_500L);
            assertThat(dispatcher.status("hang-single").orElseThrow().failedAttempts()).isEqualTo(1);
        }
    }

    @Test
    void onlyA200IsSuccessAndEveryOtherAnswerIsAFailureWithASanitizedReason(TestServices services) throws Exception {
        try (var t = new DispatcherTestHelper(services, "answers")) {
            String secret = DispatcherTestHelper.secretOf("redirect");
            t.receiver.answer("redirect", Reply.status(301).withBody("moved"));
            t.receiver.answer("created", Reply.status(201));
            t.receiver.answer("echo", Reply.status(400).withBody("bad request, you sent " + DispatcherTestHelper.secretOf("echo")
                    + "\n" + "x".repeat(100_000)));
            t.receiver.answer("dropped", Reply.drop());
            t.receiver.answer("garbage", Reply.ok().withBody("\u0000\u0001 not json at all"));
            for (String tenant : List.of("redirect", "created", "echo", "dropped", "garbage")) {
                t.configure(tenant, false, true);
                t.produce(tenant, 1);
            }
            Dispatcher dispatcher = t.start();
            await("every tenant's first attempt", Duration.ofSeconds(30), () -> List.of("redirect", "created", "echo",
                    "dropped", "garbage").stream().allMatch(x -> attempted(dispatcher, x)));
            assertThat(dispatcher.status("redirect").orElseThrow().lastFailure().error()).startsWith("redirect (not followed)");
            assertThat(t.receiver.received()).noneMatch(r -> r.path().equals("/moved"));
            assertThat(dispatcher.status("created").orElseThrow().lastFailure().status()).isEqualTo(201);
            String echoed = dispatcher.status("echo").orElseThrow().lastFailure().error();
            assertThat(echoed).startsWith("HTTP 400: bad request, you sent ****").doesNotContain(DispatcherTestHelper.secretOf("echo"))
                    .hasSizeLessThan(260);
            assertThat(dispatcher.status("dropped").orElseThrow().lastFailure().error()).isEqualTo("connection closed without a response");
            assertThat(dispatcher.status("garbage").orElseThrow().lastFailure()).isNull(); // 200 is success, whatever the body
            assertThat(dispatcher.status("garbage").orElseThrow().lastDeliveredId()).isEqualTo(1);
            assertThat(secret).isNotBlank();
        }
    }

    @Test
    void anyTwoHundredCountsWhenConfigured(TestServices services) throws Exception {
        try (var t = new DispatcherTestHelper(services, "any2xx")) {
            t.receiver.answer("accepted", Reply.status(202));
            t.configure("accepted", false, true);
            Dispatcher dispatcher = t.start(t.config().successAny2xx(true).build());
            t.produce("accepted", 3);
            await("three deliveries", Duration.ofSeconds(30),
                    () -> dispatcher.status("accepted").map(s -> s.lastDeliveredId() == 3).orElse(false));
        }
    }

    @Test
    void aBlockedTenantsBacklogBeyondTheCapsIsReReadFromKafkaInOrderWhenItRecovers(TestServices services) throws Exception {
        try (var t = new DispatcherTestHelper(services, "backlog")) {
            List<String> pair = DispatcherTestHelper.samePartition("backlog", 2);
            String blocked = pair.get(0);
            String healthy = pair.get(1);
            t.receiver.answer(blocked, Reply.status(503));
            t.configure(blocked, true, true);
            t.configure(healthy, true, true);
            // Tiny caps so the backlog is far beyond what memory may hold.
            Dispatcher dispatcher = t.start(t.config().tenantCapacity(100).partitionBufferBytes(64 * 1024).build());
            for (int i = 0; i < 10; i++) {
                t.produce(blocked, 200);
                t.produce(healthy, 50);
            }
            await("the healthy tenant's 500", Duration.ofSeconds(60), () -> t.firstReceipts(healthy).size() == 500);
            t.assertDeliveredInOrder(healthy);
            assertThat(t.receiver.received(blocked)).allSatisfy(r -> assertThat(r.ids()).hasSizeLessThanOrEqualTo(100));

            t.receiver.answer(blocked, Reply.ok());
            await("the blocked tenant's 2000 after recovery", Duration.ofSeconds(90), () -> {
                dispatcher.retryNow(blocked);
                return t.firstReceipts(blocked).size() == 2000;
            });
            t.assertDeliveredInOrder(blocked);
        }
    }
}
