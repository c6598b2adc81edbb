package dev.xent.cli;

import java.util.Map;

/**
 * A run of xent's output path without Spark, for tests that race real processes: claims the output exactly as
 * {@code xent evaluate} does, stages five part files and a summary that all name this run, commits and releases.
 * Arguments: OUTPUT INPUT OVERWRITE(true|false) RUN-NAME. Exit code 0, or 2 with one line on standard error.
 */
public final class OutputWriterMain {
    private OutputWriterMain() {
    }

    public static void main(String[] args) {
        String run = args[3];
        try (OutputFolder folder = OutputFolder.claim(args[0], args[1], Boolean.parseBoolean(args[2]),
                OutputFolder.hadoop(Map.of()))) {
            for (int i = 0; i < 5; i++) {
                folder.writeText("rows/part-" + i, run + "\n");
                Thread.sleep(20);
            }
            folder.writeText("summary.json", "{\"run\": \"" + run + "\"}\n");
            folder.commit();
        } catch (UsageException e) {
            System.err.println("xent: " + e.getMessage());
            System.exit(ExitCode.BAD_INPUT);
        } catch (InterruptedException e) {
            System.exit(ExitCode.JOB_FAILED);
        }
        System.exit(ExitCode.OK);
    }
}
