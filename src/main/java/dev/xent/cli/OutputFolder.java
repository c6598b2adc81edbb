package dev.xent.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The output folder, written atomically: everything goes to a hidden staging folder beside it, which replaces the
 * folder only when the whole run succeeded. A failed or killed run leaves the folder as it was (and at most a
 * staging folder, which {@link #abort()} removes). A non-empty folder is refused unless overwriting. Works on any
 * Hadoop file system ({@code file:}, {@code hdfs:}, ...); the final rename is atomic where the file system's is.
 */
final class OutputFolder {
    private final FileSystem fs;
    private final Path target;
    private final Path staging;
    private final boolean overwrite;

    OutputFolder(String dir, boolean overwrite, Configuration hadoop) {
        try {
            Path path = new Path(dir);
            this.fs = path.getFileSystem(hadoop);
            this.fs.setWriteChecksum(false); // no .crc files beside summary.json and report.html
            this.target = fs.makeQualified(path);
        } catch (IOException e) {
            throw new UsageException("--output: cannot use " + dir + ": " + e.getMessage());
        }
        this.staging = new Path(target.getParent(), "." + target.getName() + ".xent-staging-" + UUID.randomUUID());
        this.overwrite = overwrite;
    }

    /** Refuses a non-empty folder (or a file) unless overwriting; before any job runs. */
    void check() {
        try {
            if (!fs.exists(target)) {
                return;
            }
            FileStatus status = fs.getFileStatus(target);
            if (!status.isDirectory()) {
                throw new UsageException("--output: " + target + " is a file, not a folder");
            }
            if (fs.listStatus(target).length > 0 && !overwrite) {
                throw new UsageException("--output: " + target + " is not empty; pass --overwrite to replace it");
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
        try (OutputStream out = fs.create(new Path(staging, name), true)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + name + " in " + staging, e);
        }
    }

    /** Replaces the folder with the staging folder. */
    void commit() {
        try {
            fs.mkdirs(staging);
            if (fs.exists(target)) {
                if (!fs.delete(target, true)) {
                    throw new IOException("cannot delete the old " + target);
                }
            }
            if (!fs.rename(staging, target)) {
                throw new IOException("cannot rename " + staging + " to " + target);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Removes the staging folder after a failure; the folder itself is untouched. */
    void abort() {
        try {
            fs.delete(staging, true);
        } catch (IOException ignored) {
            // Best effort: a leftover hidden staging folder holds no summary.json in the output folder.
        }
    }

    String path() {
        return target.toString();
    }
}
