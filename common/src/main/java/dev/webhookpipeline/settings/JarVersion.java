package dev.webhookpipeline.settings;

import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code --version} of every command: the command's name and the version its jar's manifest
 * states ({@code Implementation-Version}, written by the build), so no source file repeats it.
 */
public final class JarVersion implements IVersionProvider {

    @Spec
    CommandSpec spec;

    @Override
    public String[] getVersion() {
        return new String[] {spec.name() + " " + of(spec.userObject().getClass())};
    }

    /** The version of the jar a class was loaded from; "development" when run from classes (an IDE, the tests). */
    public static String of(Class<?> type) {
        String version = type.getPackage() == null ? null : type.getPackage().getImplementationVersion();
        return version == null ? "development" : version;
    }
}
