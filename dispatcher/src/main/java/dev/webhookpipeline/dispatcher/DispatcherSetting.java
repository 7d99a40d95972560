package dev.webhookpipeline.dispatcher;

import dev.webhookpipeline.settings.Durations;
import java.time.Duration;
import java.util.Arrays;

/**
 * Every dispatcher setting and its default, in one place: {@link DispatcherConfig}'s builder starts
 * from these defaults, {@link DispatcherMain} reads the settings by these keys, and its
 * {@code --help} lists them from here.
 */
public enum DispatcherSetting {
    GROUP_ID("pipeline.dispatcher.group-id", "<topic prefix>dispatcher", "the consumer group all instances join"),
    BATCH_WINDOW("pipeline.dispatcher.batch-window", "1s", "how long a batch may fill, 0-10s"),
    BATCH_TIMEOUT("pipeline.dispatcher.batch-timeout", "5s", "timeout of a request carrying a batch"),
    SINGLE_TIMEOUT("pipeline.dispatcher.single-timeout", "10s", "timeout of a request carrying one webhook"),
    MAX_IN_FLIGHT("pipeline.dispatcher.max-in-flight", "256", "requests in flight over all tenants"),
    SUCCESS_ANY_2XX("pipeline.dispatcher.success-any-2xx", "false", "count any 2xx as delivered, not only 200"),
    /**
     * Each write is a Kafka record per changed tenant: with thousands of tenants a short interval
     * costs more than the deliveries. A crash can repeat (with the same ids) what was delivered
     * within one interval.
     */
    PROGRESS_INTERVAL("pipeline.dispatcher.progress-interval", "1s", "how often changed delivery states are written"),
    /**
     * The next webhook of an unbatched tenant goes at once after the previous one's 200 instead of
     * after a trip through the loop. A config change stops a run before its next request.
     */
    UNBATCHED_RUN("pipeline.dispatcher.unbatched-run", "8", "webhooks of an unbatched tenant one request thread sends in a row"),
    TENANT_CAPACITY("pipeline.dispatcher.tenant-capacity", "1000", "webhooks queued per tenant"),
    PARTITION_BUFFER_BYTES("pipeline.dispatcher.partition-buffer-bytes", "8388608",
            "memory for queued webhooks per partition (bodies at two bytes a character)"),
    MAX_TENANT_SERIES("pipeline.metrics.max-tenant-series", "200", "tenants with their own metric series per instance");

    public final String key;
    public final String defaultValue;
    public final String meaning;

    DispatcherSetting(String key, String defaultValue, String meaning) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.meaning = meaning;
    }

    Duration defaultDuration() {
        return Durations.parse(key, defaultValue);
    }

    int defaultInt() {
        return Integer.parseInt(defaultValue);
    }

    boolean defaultBoolean() {
        return Boolean.parseBoolean(defaultValue);
    }

    /** One entry per setting for {@code --help}: key and default, then what it means. */
    static String[] help() {
        return Arrays.stream(values()).map(s -> "  " + s.key + " = " + s.defaultValue + "%n      " + s.meaning)
                .toArray(String[]::new);
    }
}
