package dev.webhookpipeline.topics;

import dev.webhookpipeline.registry.Compatibility;
import dev.webhookpipeline.registry.SchemaRegistryClient;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Registers the current value schema of each Avro topic and holds its subject to
 * {@link Compatibility#BACKWARD_TRANSITIVE}: analysts replay old records with the newest schema,
 * so every new version must read every older one.
 */
public final class SubjectInitializer {

    public static final Compatibility RULE = Compatibility.BACKWARD_TRANSITIVE;

    private final SchemaRegistryClient registry;

    public SubjectInitializer(SchemaRegistryClient registry) {
        this.registry = registry;
    }

    /** Returns the subjects it registered or confirmed, with their schema ids. */
    public List<String> ensure(Collection<? extends TopicSpec<?, ?>> specs) {
        List<String> done = new ArrayList<>();
        for (TopicSpec<?, ?> spec : specs) {
            if (!SpecificRecord.class.isAssignableFrom(spec.valueType())) {
                continue; // raw bytes (dead-letter): no schema
            }
            Schema schema = SpecificData.get().getSchema(spec.valueType());
            String subject = spec.valueSubject();
            // Register first: some registries (Apicurio) only keep a rule for a subject that exists.
            int id = registry.register(subject, schema);
            if (registry.compatibility(subject) != RULE) {
                registry.setCompatibility(subject, RULE);
            }
            done.add(subject + " (schema id " + id + ", " + RULE + ")");
        }
        return done;
    }
}
