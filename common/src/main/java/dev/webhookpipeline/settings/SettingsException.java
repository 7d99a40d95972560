package dev.webhookpipeline.settings;

/** A setting is missing or malformed; the message names it and says how to fix it. */
public class SettingsException extends RuntimeException {
    public SettingsException(String message) {
        super(message);
    }
}
