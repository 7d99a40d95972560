package dev.webhookpipeline.webhookctl.inspect;

import dev.webhookpipeline.topics.PipelineTopics;
import dev.webhookpipeline.topics.TopicSpec;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The pipeline topics the analysts' commands read, by short name ({@code events}) or full name ({@code webhooks.events}). */
public final class TopicChoice {

    private TopicChoice() {}

    /** Short names, in the order the help lists them. */
    public static Map<String, TopicSpec<?, ?>> byShortName(PipelineTopics topics) {
        Map<String, TopicSpec<?, ?>> names = new LinkedHashMap<>();
        for (TopicSpec<?, ?> spec : topics.all()) {
            names.put(spec.name().substring(topics.prefix().length()), spec);
        }
        names.put("config", topics.tenantConfig());
        return names;
    }

    /** @throws IllegalArgumentException naming the topics there are */
    public static TopicSpec<?, ?> resolve(PipelineTopics topics, String name) {
        Map<String, TopicSpec<?, ?>> names = byShortName(topics);
        TopicSpec<?, ?> spec = names.get(name);
        if (spec != null) {
            return spec;
        }
        return topics.all().stream().filter(t -> t.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown topic '" + name + "': one of "
                        + String.join(", ", names.keySet()) + " (or its full name with the prefix '" + topics.prefix()
                        + "'; see --topic-prefix)"));
    }

    /** The topic of the layout with this full name, if it is one of the pipeline's. */
    public static Optional<TopicSpec<?, ?>> byName(PipelineTopics topics, String fullName) {
        return topics.all().stream().filter(t -> t.name().equals(fullName)).<TopicSpec<?, ?>>map(t -> t).findFirst();
    }
}
