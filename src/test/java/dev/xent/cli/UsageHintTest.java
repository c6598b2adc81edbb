package dev.xent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A usage error names the help of the command that was given (it said {@code 'xent xent --help'} at the top). */
class UsageHintTest {
    private static String err(String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(ExitCode.BAD_INPUT, code);
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void topLevelErrorPointsAtXentHelp() {
        assertEquals("xent: Unknown option: '--bogus' (see 'xent --help')\n", err("--bogus"));
    }

    @Test
    void evaluateErrorPointsAtEvaluateHelp() {
        assertEquals("xent: Unknown option: '--bogus' (see 'xent evaluate --help')\n", err("evaluate", "--bogus"));
    }
}
