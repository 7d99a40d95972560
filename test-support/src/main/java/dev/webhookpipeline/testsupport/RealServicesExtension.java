package dev.webhookpipeline.testsupport;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives tests a {@link TestServices} parameter (constructor, lifecycle or test method). The services
 * start once per test JVM and stop when the whole run ends; {@code -Dtest.services} chooses where they come
 * from ({@link ServiceSource}). A wrong value, or {@code containers} without a Docker engine, fails the tests with
 * one line saying so.
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
                .getOrComputeIfAbsent(Holder.class,
                        k -> new Holder(startServices(System.getProperty(ServiceSource.PROPERTY))), Holder.class)
                .services;
    }

    /**
     * @param property the value of {@code -Dtest.services}
     * @throws ServicesUnavailable for a value {@link ServiceSource} does not accept, or containers without Docker
     */
    static TestServices startServices(String property) {
        // The message is the whole story: no "failed to resolve parameter" wrapper, no stack trace to read.
        ServiceSource source;
        try {
            source = ServiceSource.parse(property);
        } catch (IllegalArgumentException e) {
            throw new ServicesUnavailable(e.getMessage());
        }
        try {
            return TestServices.start(source);
        } catch (ServiceSource.NoDockerEngineException e) {
            throw new ServicesUnavailable(e.getMessage());
        }
    }

    /** The services cannot start as asked; one line, without a stack trace (it would say nothing more). */
    static final class ServicesUnavailable extends ParameterResolutionException {
        ServicesUnavailable(String message) {
            super(message);
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }

    /** Stored in the root context so JUnit closes it once, after the last test. */
    private record Holder(TestServices services) implements AutoCloseable {
        @Override
        public void close() {
            services.stop();
        }
    }
}
