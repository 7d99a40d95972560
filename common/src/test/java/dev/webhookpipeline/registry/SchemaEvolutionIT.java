package dev.webhookpipeline.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.webhookpipeline.schema.DomainEvent;
import dev.webhookpipeline.schema.EventType;
import dev.webhookpipeline.schema.WebhookConfig;
import dev.webhookpipeline.serde.AvroDeserializer;
import dev.webhookpipeline.serde.WireFormat;
import dev.webhookpipeline.testsupport.RealServicesExtension;
import dev.webhookpipeline.testsupport.SampleRecords;
import dev.webhookpipeline.testsupport.TestServices;
import dev.webhookpipeline.topics.PipelineTopics;
import dev.webhookpipeline.topics.SubjectInitializer;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Evolution rules on the real registry: every subject is BACKWARD_TRANSITIVE, so a new version may
 * add a field with a default but not a field without one, nor change a field's type; and a record
 * written with an older schema reads with the newest.
 */
@ExtendWith(RealServicesExtension.class)
class SchemaEvolutionIT {

    static SchemaRegistryClient registry;
    static PipelineTopics topics;

    @BeforeAll
    static void setUp(TestServices services) {
        registry = SchemaRegistryClient.builder(services.schemaRegistryUrl()).build();
        topics = PipelineTopics.builder().prefix(TestServices.uniquePrefix("evolution")).build();
        new SubjectInitializer(registry).ensure(topics.all());
    }

    static Schema evolve(Schema schema, String extraField) {
        String json = schema.toString();
        return new Schema.Parser().parse(json.substring(0, json.lastIndexOf(']')) + "," + extraField + "]}");
    }

    @Test
    void everyAvroSubjectIsBackwardTransitive() {
        for (var spec : topics.all()) {
            if (spec.valueType() != byte[].class) {
                assertThat(registry.compatibility(spec.valueSubject())).as(spec.valueSubject())
                        .isEqualTo(Compatibility.BACKWARD_TRANSITIVE);
            }
        }
    }

    @Test
    void addingAFieldWithADefaultIsAccepted() {
        String subject = topics.events().valueSubject();
        Schema v2 = evolve(DomainEvent.getClassSchema(),
                "{\"name\":\"source\",\"type\":[\"null\",\"string\"],\"default\":null}");
        int id = registry.register(subject, v2);
        assertThat(id).isNotEqualTo(registry.register(subject, DomainEvent.getClassSchema()));
    }

    @Test
    void addingAFieldWithoutADefaultIsRefusedWithTheRegistrysMessage() {
        String subject = topics.events().valueSubject();
        Schema broken = evolve(DomainEvent.getClassSchema(), "{\"name\":\"region\",\"type\":\"string\"}");
        assertThatThrownBy(() -> registry.register(subject, broken))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.isIncompatible()).isTrue())
                .hasMessageContaining("answered 409")
                .hasMessageContaining(subject);
    }

    @Test
    void changingAFieldTypeIsRefused() {
        String subject = topics.tenantConfig().valueSubject();
        String json = WebhookConfig.getClassSchema().toString()
                .replace("{\"name\":\"enabled\",\"type\":\"boolean\"", "{\"name\":\"enabled\",\"type\":\"string\"");
        Schema broken = new Schema.Parser().parse(json);
        assertThat(broken).isNotEqualTo(WebhookConfig.getClassSchema());
        assertThatThrownBy(() -> registry.register(subject, broken))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.isIncompatible()).isTrue());
    }

    @Test
    void aRecordWrittenWithAnOlderSchemaReadsWithTheNewest() throws Exception {
        // "v0": the event as it was before EventSubject gained customer_request_id.
        String subject = TestServices.uniquePrefix("old") + "events-value";
        String json = DomainEvent.getClassSchema().toString();
        String withoutField = json.replaceFirst(",\\{\"name\":\"customer_request_id\".*?\"default\":null}", "");
        assertThat(withoutField).isNotEqualTo(json);
        Schema v0 = new Schema.Parser().parse(withoutField);
        int v0Id = registry.register(subject, v0);

        var expected = SampleRecords.event("tenant-old", EventType.TASK_CREATED, 3);
        GenericRecord old = new GenericData.Record(v0);
        old.put("event_id", expected.getEventId().toString());
        old.put("tenant_id", expected.getTenantId());
        old.put("type", new GenericData.EnumSymbol(v0.getField("type").schema(), "TASK_CREATED"));
        old.put("occurred_at", expected.getOccurredAt().toEpochMilli());
        GenericRecord oldSubject = new GenericData.Record(v0.getField("subject").schema());
        oldSubject.put("profile_id", "profile-3");
        old.put("subject", oldSubject);
        old.put("data", expected.getData());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(ByteBuffer.allocate(WireFormat.HEADER_SIZE).put(WireFormat.MAGIC_BYTE).putInt(v0Id).array());
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(v0).write(old, encoder);
        encoder.flush();

        DomainEvent read = new AvroDeserializer<>(DomainEvent.class, registry).deserialize("replay", out.toByteArray());
        assertThat(read.getEventId()).isEqualTo(expected.getEventId());
        assertThat(read.getData()).isEqualTo(expected.getData());
        assertThat(read.getOccurredAt()).isEqualTo(expected.getOccurredAt());
        assertThat(read.getSubject().getProfileId()).isEqualTo("profile-3");
        assertThat(read.getSubject().getCustomerRequestId()).isNull();
    }
}
