package dev.webhookpipeline.schema;

import org.apache.avro.util.ClassSecurityValidator;

/**
 * Avro 1.12 instantiates (decodes, deep-copies) only classes it trusts. The pipeline's generated
 * classes all live in this package; {@link #trust()} adds it to Avro's global allow-list, keeping
 * Avro's own defaults. The serde and every process's {@code main} call it before touching records;
 * the test JVMs get the same through the {@code org.apache.avro.SERIALIZABLE_PACKAGES} property.
 */
public final class SchemaClasses {
    public static final String PACKAGE = SchemaClasses.class.getPackageName();

    static {
        ClassSecurityValidator.ClassSecurityPredicate previous = ClassSecurityValidator.getGlobal();
        ClassSecurityValidator.setGlobal(type -> PACKAGE.equals(type.getPackageName()) || previous.isTrusted(type));
    }

    private SchemaClasses() {}

    /** Idempotent: the work happens once, in the static initializer. */
    public static void trust() {}
}
