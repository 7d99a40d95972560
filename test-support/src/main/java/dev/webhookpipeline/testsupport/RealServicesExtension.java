package dev.webhookpipeline.testsupport;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives tests a {@link TestServices} parameter (constructor, lifecycle or test method). The services
 * start once per test JVM and stop when the whole run ends.
 *
 * <pre>{@code
 * @ExtendWith(RealServicesExtension.class)
 * class PublisherIT {
 *     @BeforeAll static void setUp(TestServices services) { ... }
 * }
 * }</pre>
 */
public final class RealServicesExtension implements ParameterResolver {

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == TestServices.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(Holder.class, k -> new Holder(TestServices.start()), Holder.class)
                .services;
    }

    /** Stored in the root context so JUnit closes it once, after the last test. */
    private record Holder(TestServices services) implements AutoCloseable {
        @Override
        public void close() {
            services.stop();
        }
    }
}
