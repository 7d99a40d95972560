package dev.webhookpipeline.dispatcher;

import static dev.webhookpipeline.dispatcher.DispatcherTestHelper.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.webhookpipeline.dispatcher.http.Signature;
import dev.webhookpipeline.schema.WebhookConfig;
import dev.webhookpipeline.testsupport.RealServicesExtension;
import dev.webhookpipeline.testsupport.RecordingReceiver.Reply;
import dev.webhookpipeline.testsupport.TestServices;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The dispatcher against the real broker and registry, delivering to real HTTP endpoints on loopback. */
@ExtendWith(RealServicesExtension.class)
class DispatcherIT {

    @Test
    void thousandsOfWebhooksForDozensOfTenantsArriveInOrderBatchedAndNot(TestServices services) throws Exception {
        try (var t = new DispatcherTestHelper(services, "bulk")) {
            List<String> tenants = IntStream.range(0, 40).mapToObj(i -> "bulk-" + i).toList();
            for (int i = 0; i < tenants.size(); i++) {
                t.configure(tenants.get(i), i % 2 == 0, true);
            }
            t.start();
            for (int round = 0; round < 5; round++) {
                for (String tenant : tenants) {
                    t.produce(tenant, 16);
                }
            }
            await("every webhook delivered", Duration.ofSeconds(90),
                    () -> tenants.stream().allMatch(x -> t.firstReceipts(x).size() == t.produced(x)));
            tenants.forEach(t::assertDeliveredInOrder);
            // Batching tenants got arrays, the others single objects.
            assertThat(t.receiver.received(tenants.get(0))).anySatisfy(r -> assertThat(r.body()).startsWith("["));
            assertThat(t.receiver.received(tenants.get(1))).allSatisfy(r -> assertThat(r.body()).startsWith("{"));
        }
    }

    @Test
    void requestsCarryTheIdsAndAVerifiableSignature(TestServices services) throws Exception {
        try (var t = new DispatcherTestHelper(services, "signed")) {
            t.configure("signed", true, true);
            t.start();
            t.produce("signed", 3);
            await("the batch", Duration.ofSeconds(30), () -> t.firstReceipts("signed").size() == 3);
            var request = t.receiver.received("signed").get(0);
            assertThat(request.ids()).containsExactly(1L, 2L, 3L);
            assertThat(request.header("webhook-id")).isEqualTo("1-3");
            long timestamp = Long.parseLong(request.header("webhook-timestamp"));
            assertThat(request.header("webhook-signature"))
                    .isEqualTo(Signature.sign(DispatcherTestHelper.secretOf("signed"), "1-3", timestamp, request.body()));
            assertThat(request.webhooks().get(0).fieldNames()).toIterable()
                    .containsExactly("id", "event_id", "event", "timestamp", "secret", "data");
        }
    }

    @Test
    void aDeadEndpointDoesNotHoldBackAnotherTenantOfItsPartitionAndRecoversInOrder(TestServices services) throws Exception {
        try (var t = new DispatcherTestHelper(services, "isolation")) {
            List<String> pair = DispatcherTestHelper.samePartition("iso", 2);
            String dead = pair.get(0);
            String healthy = pair.get(1);
            t.receiver.answer(dead, Reply.status(500));
            t.configure(dead, false, true);
            t.configure(healthy, true, true);
            Dispatcher dispatcher = t.start();
            for (int i = 0; i < 5; i++) {
                t.produce(dead, 40);
                t.produce(healthy, 60);
            }
            await("the healthy tenant's 300 webhooks", Duration.ofSeconds(60), () -> t.firstReceipts(healthy).size() == 300);
            t.assertDeliveredInOrder(healthy);
            assertThat(t.receiver.acceptedIds(dead)).isEmpty();
            TenantStatus stalled = dispatcher.status(dead).orElseThrow();
            assertThat(stalled.failedAttempts()).isEqualTo(1);
            assertThat(stalled.lastFailure().status()).isEqualTo(500);
            assertThat(stalled.nextAttemptAt()).isAfter(stalled.lastFailure().at().plusSeconds(29));

            // The commit of the shared partition stops at the dead tenant's first webhook.
            TopicPartition partition = new TopicPartition(t.topics.outbound().name(), DispatcherTestHelper.partitionOf(dead));
            await("a commit", Duration.ofSeconds(10), () -> committed(t, partition) >= 0);
            assertThat(committed(t, partition)).isZero();

            t.receiver.answer(dead, Reply.ok());
            dispatcher.retryNow(dead);
            await("the dead tenant's 200 webhooks after recovery", Duration.ofSeconds(60),
                    () -> t.firstReceipts(dead).size() == 200);
            t.assertDeliveredInOrder(dead);
            await("the commit to reach the end", Duration.ofSeconds(10), () -> committed(t, partition) == 500);
        }
    }

    static long committed(DispatcherTestHelper t, TopicPartition partition) {
        try (Admin admin = t.services.kafka().admin()) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(t.topics.prefix() + "dispatcher")
                    .partitionsToOffsetAndMetadata().get();
            OffsetAndMetadata offset = offsets.get(partition);
            return offset == null ? -1 : offset.offset();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aDisabledTenantIsPausedAndResumesExactlyWhereItStopped(TestServices services) throws Exception {
        try (var t = new DispatcherTestHelper(services, "disabled")) {
            List<String> pair = DispatcherTestHelper.samePartition("pause", 2);
            String paused = pair.get(0);
            String sentinel = pair.get(1);
            t.configure(paused, false, true);
            t.configure(sentinel, false, true);
            Dispatcher dispatcher = t.start();
            t.produce(paused, 10);
            await("the first 10", Duration.ofSeconds(30), () -> t.firstReceipts(paused).size() == 10);

            t.configure(paused, false, false);
            // The dispatcher reads configs on their own consumer: a change applies once it has been read.
            await("the disable to be read", Duration.ofSeconds(10), () -> !dispatcher.seesEnabled(paused));
            t.produce(paused, 150); // more than one batch: some must be re-read from Kafka later
            t.produce(sentinel, 5);
            // The sentinel was produced after the paused tenant's webhooks on the same partition:
            // once it is delivered, anything not held back would have been sent too.
            await("the sentinel", Duration.ofSeconds(30), () -> t.firstReceipts(sentinel).size() == 5);
            assertThat(t.firstReceipts(paused)).hasSize(10);

            t.configure(paused, true, true);
            await("everything after re-enabling", Duration.ofSeconds(30), () -> t.firstReceipts(paused).size() == 160);
            t.assertDeliveredInOrder(paused);
        }
    }

    @Test
    void aChangedSecretAndEndpointApplyToWebhooksAlreadyQueued(TestServices services) throws Exception {
        try (var t = new DispatcherTestHelper(services, "rotate")) {
            t.receiver.answer("rotate", Reply.status(503));
            t.configure("rotate", false, true);
            Dispatcher dispatcher = t.start();
            t.produce("rotate", 3);
            await("a failed attempt", Duration.ofSeconds(30), () -> dispatcher.failedAttempts() >= 1);

            var rotated = t.put(WebhookConfig.newBuilder(t.configure("rotate", false, true))
                    .setSecret("rotated-secret-0123456789").setEndpoint(t.receiver.url("rotate-new")).build());
            // Retry until an attempt goes out with the new config (the dispatcher reads it asynchronously).
            await("delivery at the new endpoint", Duration.ofSeconds(30), () -> {
                dispatcher.retryNow("rotate");
                return t.receiver.acceptedIds("rotate-new").size() == 3;
            });
            assertThat(t.receiver.received("rotate-new")).allSatisfy(r -> {
                assertThat(r.header("Authorization")).isEqualTo("Bearer " + rotated.getSecret());
                assertThat(r.body()).contains(rotated.getSecret()).doesNotContain(DispatcherTestHelper.secretOf("rotate"));
            });
        }
    }
}
