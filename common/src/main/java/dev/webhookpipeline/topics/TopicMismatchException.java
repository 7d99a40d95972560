package dev.webhookpipeline.topics;

import java.util.List;

/** Existing topics disagree with the layout the pipeline needs; the message lists every difference. */
public class TopicMismatchException extends RuntimeException {
    private final List<String> problems;

    public TopicMismatchException(List<String> problems) {
        super("existing topics do not match the pipeline's layout:\n  - " + String.join("\n  - ", problems)
                + "\nFix the topics (or point the pipeline at other ones with a different topic prefix) and start again;"
                + " the pipeline does not change existing topics itself.");
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
