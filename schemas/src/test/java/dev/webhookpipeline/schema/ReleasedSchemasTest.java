package dev.webhookpipeline.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.junit.jupiter.api.Test;

/**
 * Catches an incompatible schema change at build time, before any registry refuses it: the
 * current schemas must read records written with every released version.
 */
class ReleasedSchemasTest {

    static final List<Schema> CURRENT = List.of(DomainEvent.getClassSchema(), WebhookConfig.getClassSchema(),
            OutboundWebhook.getClassSchema(), DeliveryProgress.getClassSchema(),
            TenantCommand.getClassSchema(), OperatorAction.getClassSchema());

    @Test
    void currentSchemasReadEveryReleasedVersion() throws IOException, URISyntaxException {
        Path released = Path.of(getClass().getResource("/released").toURI());
        List<Path> versions;
        try (Stream<Path> dirs = Files.list(released)) {
            versions = dirs.filter(Files::isDirectory).sorted().toList();
        }
        assertThat(versions).isNotEmpty();
        for (Path version : versions) {
            Schema.Parser parser = new Schema.Parser();
            parser.parse(version.resolve("EventType.avsc").toFile());
            for (Schema current : CURRENT) {
                File file = version.resolve(current.getName() + ".avsc").toFile();
                if (!file.exists()) {
                    continue; // added after that release
                }
                Schema old = parser.parse(file);
                var result = SchemaCompatibility.checkReaderWriterCompatibility(current, old);
                assertThat(result.getType()).as("%s of %s: %s", current.getName(), version.getFileName(),
                        result.getDescription()).isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
            }
        }
    }

    @Test
    void eventTypeSymbolsOnlyEverGetAppended() throws IOException, URISyntaxException {
        Path v1 = Path.of(getClass().getResource("/released/v1/EventType.avsc").toURI());
        List<String> released = new Schema.Parser().parse(v1.toFile()).getEnumSymbols();
        assertThat(EventType.getClassSchema().getEnumSymbols()).startsWith(released.toArray(String[]::new));
    }

    @Test
    void deprecatedTypesAreTheFourOfTheSpec() {
        assertThat(EventTypes.deprecated()).containsExactlyInAnyOrder(EventType.PROFILE_STATUS_CHANGED,
                EventType.TASK_IS_COMPLETE_CHANGED, EventType.COLLECTION_STEPS_COMPLETED, EventType.COLLECTED_DATA_UPDATED);
        assertThat(EventTypes.parse(" risk-level-changed ")).contains(EventType.RISK_LEVEL_CHANGED);
        assertThat(EventTypes.parse("nope")).isEmpty();
    }
}
