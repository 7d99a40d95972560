package dev.webhookpipeline.testsupport;

/** One source of the broker and schema registry the tests share ({@link ServiceSource}). */
interface SharedServices extends AutoCloseable {

    KafkaBroker kafka();

    /** The registry's Confluent-compatible base URL ({@code schema.registry.url}); may start it on first call. */
    String schemaRegistryUrl();

    @Override
    void close();
}
