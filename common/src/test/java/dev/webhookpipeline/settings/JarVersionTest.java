package dev.webhookpipeline.settings;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

class JarVersionTest {

    @Command(name = "sample", mixinStandardHelpOptions = true, versionProvider = JarVersion.class)
    static final class Sample implements Runnable {
        @Override
        public void run() {}
    }

    @Test
    void versionIsTheCommandsNameAndItsJarsVersionOrDevelopmentWhenRunFromClasses() {
        StringWriter out = new StringWriter();
        int exit = new CommandLine(new Sample()).setOut(new PrintWriter(out)).execute("--version");
        assertThat(exit).isZero();
        assertThat(out.toString().strip()).isEqualTo("sample development");
        // A class from a jar with Implementation-Version in its manifest reports it.
        assertThat(JarVersion.of(CommandLine.class)).isEqualTo(CommandLine.class.getPackage().getImplementationVersion())
                .isNotEqualTo("development");
    }
}
