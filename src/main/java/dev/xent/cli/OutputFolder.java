package dev.xent.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The output folder, claimed before Spark starts and written atomically.
 *
 * <p>{@link #claim} refuses (exit code 2) an output that overlaps the input ({@link OutputGuard}), that is a file,
 * or that is a non-empty folder, unless {@code --overwrite} is given and the folder holds the {@value #MARKER} file
 * xent writes into each output: a folder xent did not write is never replaced. It then takes the output's
 * {@link OutputClaim} (a second run to the same output fails with a message naming the first) and holds it until
 * {@link #close()}.
 *
 * <p>Everything goes to a hidden staging folder beside the output, which {@link #commit()} moves in: with an older
 * output there, that one is first renamed aside, the new one renamed in, then the old one deleted. A run killed
 * between the two renames leaves the old output whole beside the folder; the next run to claim the output puts it
 * back first. A failed run leaves the folder as it was ({@link #close()} removes its staging folder). Works on any
 * Hadoop file system ({@code file:}, {@code hdfs:}, ...); each rename is atomic where the file system's is.
 */
final class OutputFolder implements AutoCloseable {
    /** The file that marks a folder as xent's output. */
    static final String MARKER = "_XENT";

    private final FileSystem fs;
    private final Path target;
    private final Path staging;
    private final OutputClaim claim;

    private OutputFolder(FileSystem fs, Path target, OutputClaim claim) {
        this.fs = fs;
        this.target = target;
        this.staging = new Path(target.getParent(), "." + target.getName() + ".xent-staging-" + UUID.randomUUID());
        this.claim = claim;
    }

    /** Checks the output against the input and its current content, then claims it; before any job runs. */
    static OutputFolder claim(String dir, String input, boolean overwrite, Configuration hadoop) {
        OutputGuard.check(dir, input, hadoop);
        FileSystem fs;
        Path target;
        try {
            Path path = new Path(dir);
            fs = path.getFileSystem(hadoop);
            fs.setWriteChecksum(false); // no .crc files beside summary.json and report.html
            target = fs.makeQualified(path);
        } catch (IOException | IllegalArgumentException e) {
            throw new UsageException("--output: cannot use " + dir + ": " + e.getMessage());
        }
        if (target.getParent() == null) {
            throw new UsageException("--output: " + target + " is a root folder; give a folder inside it");
        }
        check(fs, target, overwrite); // a refused run leaves no trace, not even a claim file
        OutputClaim claim = OutputClaim.take(fs, target);
        OutputFolder folder = new OutputFolder(fs, target, claim);
        try {
            folder.restoreSetAside();
            check(fs, target, overwrite); // again, now that no other run can change it
            PausePoint.at("claimed");
            return folder;
        } catch (RuntimeException e) {
            claim.release();
            throw e;
        }
    }

    /** The Hadoop settings for the output and input paths before Spark starts: the defaults and spark.hadoop.*. */
    static Configuration hadoop(Map<String, String> sparkConf) {
        Configuration conf = new Configuration();
        sparkConf.forEach((k, v) -> {
            if (k.startsWith("spark.hadoop.")) {
                conf.set(k.substring("spark.hadoop.".length()), v);
            }
        });
        return conf;
    }

    /** Refuses a file, and a non-empty folder unless overwriting one that xent wrote. */
    private static void check(FileSystem fs, Path target, boolean overwrite) {
        try {
            if (!fs.exists(target)) {
                return;
            }
            FileStatus status = fs.getFileStatus(target);
            if (!status.isDirectory()) {
                throw new UsageException("--output: " + target + " is a file, not a folder");
            }
            if (fs.listStatus(target).length == 0) {
                return;
            }
            if (!overwrite) {
                throw new UsageException("--output: " + target + " is not empty; pass --overwrite to replace an "
                        + "earlier xent output");
            }
            if (!fs.exists(new Path(target, MARKER))) {
                throw new UsageException("--output: " + target + " was not written by xent (no " + MARKER
                        + " file in it); --overwrite replaces only xent's own outputs, so it is left as it is");
            }
        } catch (IOException e) {
            throw new UsageException("--output: cannot check " + target + ": " + e.getMessage());
        }
    }

    /**
     * After a run killed between its two renames: puts the old output, set aside, back in place; deletes a set-aside
     * output whose replacement is in place. Only folders holding xent's marker are touched.
     */
    private void restoreSetAside() {
        try {
            FileStatus[] aside = fs.globStatus(new Path(target.getParent(), "." + target.getName() + ".xent-old-*"));
            if (aside == null) {
                return;
            }
            for (FileStatus old : aside) {
                if (!fs.exists(new Path(old.getPath(), MARKER))) {
                    continue;
                }
                if (!fs.exists(target)) {
                    rename(old.getPath(), target);
                } else {
                    fs.delete(old.getPath(), true);
                }
            }
        } catch (IOException e) {
            throw new UsageException("--output: cannot check " + target + ": " + e.getMessage());
        }
    }

    /** The staging folder's path, for writers. */
    String staged(String name) {
        return new Path(staging, name).toString();
    }

    void writeText(String name, String text) {
        writeBytes(name, text.getBytes(StandardCharsets.UTF_8));
    }

    void writeBytes(String name, byte[] bytes) {
        try (OutputStream out = fs.create(new Path(staging, name), true)) {
            out.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + name + " in " + staging, e);
        }
    }

    /** Marks the staging folder as xent's and moves it in place of the output (see the class comment). */
    void commit() {
        try {
            fs.mkdirs(staging);
            writeText(MARKER, "written by xent at " + Instant.now() + "\n");
            PausePoint.at("before-replace");
            if (!fs.exists(target)) {
                rename(staging, target);
                return;
            }
            Path aside = new Path(target.getParent(), "." + target.getName() + ".xent-old-" + UUID.randomUUID());
            rename(target, aside);
            PausePoint.at("old-set-aside");
            rename(staging, target);
            PausePoint.at("new-in-place");
            fs.delete(aside, true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void rename(Path from, Path to) throws IOException {
        if (!fs.rename(from, to)) {
            throw new IOException("cannot rename " + from + " to " + to);
        }
    }

    /** Removes the staging folder (left only by a failure) and releases the claim; the folder itself is untouched. */
    @Override
    public void close() {
        try {
            fs.delete(staging, true);
        } catch (IOException ignored) {
            // Best effort: a leftover hidden staging folder holds no summary.json in the output folder.
        } finally {
            claim.release();
        }
    }

    String path() {
        return target.toString();
    }
}
