package dev.webhookpipeline.topics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webhookpipeline.registry.SchemaRegistryClient;
import dev.webhookpipeline.testsupport.RealServicesExtension;
import dev.webhookpipeline.testsupport.TestServices;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@link SubjectInitializer} on the real registry, as services call it at start-up. */
@ExtendWith(RealServicesExtension.class)
class SubjectInitializerIT {

    /**
     * Two dispatcher instances started together (a deployment scaled to two) both found a subject
     * without its rule and both set it; the registry refused the second with 409 "A rule named
     * 'COMPATIBILITY' already exists", and that instance did not start.
     */
    @Test
    void servicesStartingTogetherAllGetPast(TestServices services) throws Exception {
        int starters = 4;
        ExecutorService pool = Executors.newFixedThreadPool(starters);
        try {
            for (int round = 0; round < 5; round++) {
                PipelineTopics topics = PipelineTopics.builder().prefix(TestServices.uniquePrefix("together")).build();
                CountDownLatch go = new CountDownLatch(1);
                List<Future<List<String>>> started = new ArrayList<>();
                for (int i = 0; i < starters; i++) {
                    SchemaRegistryClient registry = SchemaRegistryClient.builder(services.schemaRegistryUrl()).build();
                    started.add(pool.submit(() -> {
                        go.await();
                        return new SubjectInitializer(registry).ensure(topics.all());
                    }));
                }
                go.countDown();
                for (Future<List<String>> each : started) {
                    assertThat(each.get()).hasSize(started.get(0).get().size()).isNotEmpty();
                }
                SchemaRegistryClient registry = SchemaRegistryClient.builder(services.schemaRegistryUrl()).build();
                for (var spec : topics.all()) {
                    if (spec.valueType() != byte[].class) {
                        assertThat(registry.compatibility(spec.valueSubject())).as(spec.valueSubject())
                                .isEqualTo(SubjectInitializer.RULE);
                    }
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
