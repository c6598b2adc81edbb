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

/**
 * dev.xent.core is the numbers only: no Spark (or Scala) import anywhere in it; and dev.xent.report renders what
 * the core computed, importing neither Spark nor xent's spark package, and naming no figure.
 */
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

    @Test
    void noSourceFileOfTheReportImportsSparkOrXentsSparkPackage() throws IOException {
        List<String> offenders;
        try (Stream<Path> files = Files.walk(Path.of("src/main/java/dev/xent/report"))) {
            offenders = files.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> importsSpark(p) || read(p).contains("import dev.xent.spark."))
                    .map(Path::toString)
                    .collect(Collectors.toList());
        }
        assertEquals(List.of(), offenders);
    }

    /** The renderers loop over figures: no report source names a registered figure's class or id. */
    @Test
    void theReportNamesNoFigure() throws IOException {
        List<String> offenders = new java.util.ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java/dev/xent/report"))) {
            for (Path p : files.filter(f -> f.toString().endsWith(".java")).collect(Collectors.toList())) {
                String text = read(p);
                for (String id : Figures.ids()) {
                    String name = Figures.make(id, 5).getClass().getSimpleName();
                    if (text.matches("(?s).*\\b" + name + "\\b.*") || text.contains("\"" + id + "\"")) {
                        offenders.add(p.getFileName() + " names " + name);
                    }
                }
            }
        }
        assertEquals(List.of(), offenders);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
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
