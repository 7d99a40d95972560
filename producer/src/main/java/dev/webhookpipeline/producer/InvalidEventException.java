package dev.webhookpipeline.producer;

import java.util.List;

/** The event breaks the pipeline's rules and was not sent; {@link #problems()} lists why. */
public class InvalidEventException extends IllegalArgumentException {
    private final List<String> problems;

    public InvalidEventException(List<String> problems) {
        super("event refused: " + String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
