package dev.webhookpipeline.serde;

import dev.webhookpipeline.schema.DomainEvent;
import org.apache.avro.util.ClassSecurityValidator;

/**
 * Avro 1.12 only instantiates classes it trusts when decoding; the pipeline's generated classes
 * live in one package, which this adds to Avro's global allow-list (keeping Avro's own defaults).
 */
final class TrustedSchemaClasses {
    private static final String PACKAGE = DomainEvent.class.getPackageName();

    static {
        ClassSecurityValidator.ClassSecurityPredicate previous = ClassSecurityValidator.getGlobal();
        ClassSecurityValidator.setGlobal(type -> PACKAGE.equals(type.getPackageName()) || previous.isTrusted(type));
    }

    private TrustedSchemaClasses() {}

    /** Runs the static initializer once; call before any encode or decode. */
    static void ensure() {}
}
