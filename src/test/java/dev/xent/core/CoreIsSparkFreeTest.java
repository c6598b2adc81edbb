package dev.xent.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** dev.xent.core is the numbers only: no Spark (or Scala) import anywhere in it. */
class CoreIsSparkFreeTest {

    @Test
    void noSourceFileOfTheCoreImportsSpark() throws IOException {
        Path core = Path.of("src/main/java/dev/xent/core");
        assertTrue(Files.isDirectory(core), "run from the project folder");
        List<String> offenders;
        try (Stream<Path> files = Files.walk(core)) {
            offenders = files.filter(p -> p.toString().endsWith(".java"))
                    .filter(CoreIsSparkFreeTest::importsSpark)
                    .map(Path::toString)
                    .collect(Collectors.toList());
        }
        assertEquals(List.of(), offenders);
    }

    private static boolean importsSpark(Path file) {
        try {
            String text = Files.readString(file);
            return text.contains("org.apache.spark") || text.contains("import scala.");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
