package dev.webhookpipeline.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The benchmark at {@link Sizes#QUICK} sizes, so that it cannot rot: every section runs against the
 * real broker, registry, router, dispatchers (in this JVM and as processes) and receiver, and every
 * scenario reports a figure. The figures themselves are not judged here — speed is measured by the
 * full run, not by the suite.
 */
class BenchmarkSmokeIT {

    @Test
    void everySectionRunsAndReportsEveryScenario() throws Exception {
        Results results = BenchmarkMain.run(Sizes.QUICK, EnumSet.allOf(BenchmarkMain.Section.class));

        List<Results.Row> rows = results.rows();
        assertThat(rows).extracting(Results.Row::section).containsOnly(DispatcherThroughput.CEILINGS,
                DispatcherThroughput.SECTION, PeerComparison.SECTION, PeerComparison.SECTION_SLOW, EndToEnd.SECTION,
                Memory.SECTION, StatusAtScale.SECTION, ScaleOut.SECTION);
        // 3 tenant counts × batching on/off; baseline, idle tenants per count, many tenants, backlog; 1 and 2 instances × on/off
        assertThat(rows).filteredOn(r -> r.section().equals(DispatcherThroughput.SECTION)).hasSize(6);
        // per tenant count: dispatcher and loop batched; dispatcher, Parallel Consumer and loop unbatched
        int peerRows = 5 * Sizes.QUICK.peers().tenantCounts().size();
        assertThat(rows).filteredOn(r -> r.section().equals(PeerComparison.SECTION)).hasSize(peerRows);
        assertThat(rows).filteredOn(r -> r.section().equals(PeerComparison.SECTION_SLOW)).hasSize(peerRows);
        // every peer delivered every webhook, once
        assertThat(rows).filteredOn(r -> r.section().startsWith("Peers") && !r.scenario().contains("dispatcher"))
                .allSatisfy(r -> assertThat(r.comparison()).as(r.toString()).startsWith("all ").contains("none twice"));
        assertThat(rows).filteredOn(r -> r.section().startsWith("Peers") && r.scenario().contains("dispatcher"))
                .allSatisfy(r -> assertThat(r.comparison()).as(r.toString()).contains("Parallel Consumer").doesNotContain("extra"));
        // per mode: latency, latency by stage, throughput
        assertThat(rows).filteredOn(r -> r.section().equals(EndToEnd.SECTION)).hasSize(6);
        // the stage split found every measured webhook on the outbound topic
        assertThat(rows).filteredOn(r -> r.scenario().startsWith("latency by stage"))
                .hasSize(2).allSatisfy(r -> assertThat(r.count()).isEqualTo(String.format(Locale.ROOT, "%,d",
                        Sizes.QUICK.endToEndRate() * Sizes.QUICK.endToEndSeconds())));
        assertThat(rows).filteredOn(r -> r.section().equals(Memory.SECTION))
                .hasSize(3 + Sizes.QUICK.idleTenantCounts().size());
        // six questions and two rebuilds
        assertThat(rows).filteredOn(r -> r.section().equals(StatusAtScale.SECTION)).hasSize(8);
        assertThat(rows).filteredOn(r -> r.section().equals(ScaleOut.SECTION)).hasSize(4);
        // raw produce, raw consume, and the receiver for each dispatcher row's requests (concurrency × webhooks per request)
        assertThat(rows).filteredOn(r -> r.section().equals(DispatcherThroughput.CEILINGS)).hasSize(2 + 6);
        assertThat(rows).allSatisfy(r -> assertThat(r.value()).as(r.toString()).isPositive());
        assertThat(rows).filteredOn(r -> r.scenario().contains("endpoint down"))
                .allSatisfy(r -> assertThat(r.comparison()).contains("0 delivered"));
        assertThat(results.markdown()).contains("| scenario | count | figure | compared with |");
    }
}
