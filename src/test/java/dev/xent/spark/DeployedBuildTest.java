package dev.xent.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.xent.testing.SharedSpark;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The tests run what the build says they run: xent's classes from {@code xent.tested.classes} (the compiled
 * classes, or under the {@code deployed-jar} profile the jar built before, e.g. Spark 4.2's, as deployed) and the
 * Spark of {@code xent.tested.spark} (the one the Maven profile put on the classpath).
 */
class DeployedBuildTest {

    @Test
    void xentComesFromTheTestedClassesOrJar() throws Exception {
        Path loaded = Path.of(StateBuffer.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        assertEquals(Path.of(System.getProperty("xent.tested.classes")).toRealPath(), loaded.toRealPath());
    }

    @Test
    void sparkIsTheTestedVersion() {
        assertEquals(System.getProperty("xent.tested.spark"), SharedSpark.get().version());
    }
}
