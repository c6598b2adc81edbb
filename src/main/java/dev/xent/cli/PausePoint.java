package dev.xent.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A test hook: with {@code -Dxent.test.pause=POINT}, a run that reaches that named point writes the file named by
 * {@code -Dxent.test.pauseMarker} (when set) and then sleeps {@code -Dxent.test.pauseMillis} (default 10 minutes),
 * so a test can kill it there or race another run against it. Without the property it does nothing.
 */
final class PausePoint {
    private PausePoint() {
    }

    static void at(String point) {
        if (!point.equals(System.getProperty("xent.test.pause"))) {
            return;
        }
        try {
            String marker = System.getProperty("xent.test.pauseMarker");
            if (marker != null) {
                Files.writeString(Path.of(marker), point);
            }
            Thread.sleep(Long.getLong("xent.test.pauseMillis", 600_000L));
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the pause marker", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
