package dev.xent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An output can never destroy an input or a folder xent did not write: each refused case exits with code 2 and one
 * line naming the paths, and leaves every file under the test folder as it was (compared file by file).
 */
class OutputSafetyTest {
    static final String ROWS = "{\"id\": 1, \"logits\": [1.0, 2.0, 3.0], \"target\": 0}\n"
            + "{\"id\": 2, \"logits\": [0.5, -1.0, 2.0], \"target\": 2}\n";

    @TempDir
    Path root;
    Path in;
    Path logits;

    @BeforeEach
    void inputFolder() throws IOException {
        in = Files.createDirectories(root.resolve("results").resolve("in"));
        logits = in.resolve("logits.jsonl");
        Files.writeString(logits, ROWS);
        Files.writeString(in.resolve("notes.txt"), "someone's notes");
        Files.writeString(root.resolve("results").resolve("unrelated.txt"), "unrelated");
    }

    /** Every file, folder and link under a folder: its content, "folder", or "link to" its target. */
    static Map<String, String> snapshot(Path folder) throws IOException {
        Map<String, String> all = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                String key = folder.relativize(p).toString();
                if (Files.isSymbolicLink(p)) {
                    all.put(key, "link to " + Files.readSymbolicLink(p));
                } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    all.put(key, "folder");
                } else {
                    all.put(key, Arrays.toString(Files.readAllBytes(p)) + " " + Files.getLastModifiedTime(p));
                }
            }
        }
        return all;
    }

    /** Runs xent, expects exit 2, one line containing each fragment, and nothing changed under the test folder. */
    void refused(String[] args, String... fragments) throws IOException {
        Map<String, String> before = snapshot(root);
        CliRun run = CliRun.of(args);
        assertEquals(2, run.exitCode, run.toString());
        assertEquals(1, run.err.lines().count(), "one line: " + run.err);
        assertEquals("", run.out);
        for (String f : fragments) {
            assertTrue(run.err.contains(f), "'" + f + "' in: " + run.err);
        }
        assertEquals(before, snapshot(root), "nothing changed on disk");
    }

    static String[] args(String... args) {
        return args;
    }

    @Test
    void theOutputEqualsTheInputFolder() throws IOException {
        refused(args("evaluate", "--input", in.toString(), "--format", "json", "--output", in.toString(),
                "--overwrite"), "--output: ", " is the input ", in.toRealPath().toString());
    }

    @Test
    void theOutputContainsTheInputFile() throws IOException {
        // The case of issue 16: this deleted the input and everything beside it.
        refused(args("evaluate", "--input", logits.toString(), "--output", in.toString(), "--overwrite"),
                " contains the input ", logits.toRealPath().toString(), in.toRealPath().toString());
        refused(args("evaluate", "--input", logits.toString(), "--output", root.resolve("results").toString(),
                "--overwrite"), " contains the input ");
        refused(args("evaluate", "--input", logits.toString(), "--output", in.resolve("..").toString(),
                "--overwrite"), " contains the input ");
    }

    @Test
    void theOutputLiesInsideTheInputFolder() throws IOException {
        refused(args("evaluate", "--input", in.toString(), "--format", "json", "--output",
                in.resolve("xent").toString()), " lies inside the input ");
    }

    @Test
    void globsAndFileUrisAreResolved() throws IOException {
        refused(args("evaluate", "--input", in + "/*.jsonl", "--output", in.toString(), "--overwrite"),
                " contains the input ", logits.toRealPath().toString());
        refused(args("evaluate", "--input", logits.toUri().toString(), "--output", in.toString(), "--overwrite"),
                " contains the input ");
        refused(args("evaluate", "--input", logits.toString(), "--output", "file:" + in, "--overwrite"),
                " contains the input ");
    }

    @Test
    void theOutputIsReachedThroughASymbolicLink() throws IOException {
        Path link = Files.createSymbolicLink(root.resolve("link"), in);
        refused(args("evaluate", "--input", logits.toString(), "--output", link.toString(), "--overwrite"),
                " contains the input ");
        Path linkedInput = Files.createSymbolicLink(root.resolve("input-link.jsonl"), logits);
        refused(args("evaluate", "--input", linkedInput.toString(), "--output", in.toString(), "--overwrite"),
                " contains the input ", logits.toRealPath().toString());
        refused(args("evaluate", "--input", link.toString(), "--format", "json", "--output",
                in.resolve("sub").toString()), " lies inside the input ", in.toRealPath().toString());
    }

    @Test
    void theOutputIsAFile() throws IOException {
        Path file = Files.writeString(root.resolve("summary.txt"), "a file");
        refused(args("evaluate", "--input", logits.toString(), "--output", file.toString(), "--overwrite"),
                " is a file, not a folder");
    }

    @Test
    void aFolderXentDidNotWriteIsNeverReplaced() throws IOException {
        Path theirs = Files.createDirectories(root.resolve("theirs"));
        Files.writeString(theirs.resolve("paper.tex"), "months of work");
        refused(args("evaluate", "--input", logits.toString(), "--output", theirs.toString()),
                " is not empty; pass --overwrite");
        refused(args("evaluate", "--input", logits.toString(), "--output", theirs.toString(), "--overwrite"),
                theirs.toRealPath() + " was not written by xent (no _XENT file in it)", "left as it is");
    }

    @Test
    void xentsOwnEarlierOutputIsReplacedByOverwrite() throws IOException {
        Path out = root.resolve("out");
        CliRun first = CliRun.of("evaluate", "--input", logits.toString(), "--output", out.toString());
        assertEquals(0, first.exitCode, first.toString());
        assertTrue(Files.exists(out.resolve(OutputFolder.MARKER)), "the marker is written with the summary");
        String earlier = Files.readString(out.resolve("summary.json"));
        Map<String, String> input = snapshot(in);
        refused(args("evaluate", "--input", logits.toString(), "--output", out.toString()), " is not empty");
        CliRun second = CliRun.of("evaluate", "--input", logits.toString(), "--label-smoothing", "0.25",
                "--output", out.toString(), "--overwrite");
        assertEquals(0, second.exitCode, second.toString());
        String later = Files.readString(out.resolve("summary.json"), StandardCharsets.UTF_8);
        assertNotEquals(earlier, later);
        assertTrue(later.contains("\"label_smoothing\" : 0.25") || later.contains("\"label_smoothing\": 0.25"),
                later);
        assertTrue(Files.exists(out.resolve(OutputFolder.MARKER)));
        assertEquals(input, snapshot(in), "the input is unchanged");
        try (Stream<Path> beside = Files.list(root)) {
            assertFalse(beside.anyMatch(p -> p.getFileName().toString().contains(".xent-")
                    && !p.getFileName().toString().equals(".out.xent-lock")),
                    "no staging or set-aside folder left beside the output");
        }
    }
}
