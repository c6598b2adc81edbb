package dev.xent.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * One run's exclusive claim on an output folder: the hidden file {@code .NAME.xent-lock} beside it. A second run
 * that finds the claim taken fails (exit code 2) with a message naming the holder.
 *
 * <p>On the local file system the claim is an operating-system lock on that file, so it ends with the process
 * however the process ends (even SIGKILL); the file itself stays, holding the last holder's name. On other Hadoop
 * file systems the claim is the file itself, created only if absent (atomic on HDFS); a run killed there leaves it,
 * and the message says to delete it once no run is writing.
 */
final class OutputClaim {
    private static final Set<String> CLAIMED_HERE = ConcurrentHashMap.newKeySet();

    private final FileSystem fs;
    private final Path lock;
    private final FileChannel channel; // local only
    private final FileLock held;       // local only
    private boolean released;

    private OutputClaim(FileSystem fs, Path lock, FileChannel channel, FileLock held) {
        this.fs = fs;
        this.lock = lock;
        this.channel = channel;
        this.held = held;
    }

    static OutputClaim take(FileSystem fs, Path target) {
        Path lock = new Path(target.getParent(), "." + target.getName() + ".xent-lock");
        String holder = ManagementFactory.getRuntimeMXBean().getName() + " since " + Instant.now() + " ("
                + UUID.randomUUID() + ")";
        try {
            fs.mkdirs(target.getParent());
            return "file".equals(lock.toUri().getScheme()) ? local(fs, lock, holder) : shared(fs, lock, holder);
        } catch (IOException e) {
            throw new UsageException("--output: cannot claim " + target + " (" + lock + "): " + e.getMessage());
        }
    }

    private static OutputClaim local(FileSystem fs, Path lock, String holder) throws IOException {
        java.nio.file.Path file = java.nio.file.Path.of(lock.toUri());
        // A second channel on the file in this JVM would drop the lock when closed: claims made here are known here.
        if (!CLAIMED_HERE.add(file.toString())) {
            throw busy(lock, "");
        }
        FileChannel channel;
        FileLock held;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.READ);
            held = channel.tryLock();
        } catch (IOException | RuntimeException e) {
            CLAIMED_HERE.remove(file.toString());
            throw e;
        }
        if (held == null) {
            channel.close();
            CLAIMED_HERE.remove(file.toString());
            throw busy(lock, readHolder(file));
        }
        // Written through the locked channel: opening the file again in this process would drop its lock (a POSIX
        // lock ends when any of the process's descriptors of the file closes).
        channel.truncate(0);
        channel.write(ByteBuffer.wrap(holder.getBytes(StandardCharsets.UTF_8)), 0);
        channel.force(true);
        return new OutputClaim(fs, lock, channel, held);
    }

    private static OutputClaim shared(FileSystem fs, Path lock, String holder) throws IOException {
        try (OutputStream out = fs.create(lock, false)) {
            out.write(holder.getBytes(StandardCharsets.UTF_8));
        } catch (FileAlreadyExistsException e) {
            throw new UsageException("--output: another xent run is writing to " + lock.getParent() + " (" + lock
                    + " exists); delete that file if no run is");
        }
        return new OutputClaim(fs, lock, null, null);
    }

    private static String readHolder(java.nio.file.Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return "";
        } catch (IOException e) {
            return "?";
        }
    }

    private static UsageException busy(Path lock, String holder) {
        String target = lock.getParent() + "/" + lock.getName().replaceFirst("^\\.", "").replace(".xent-lock", "");
        return new UsageException("--output: another xent run is writing to " + target
                + (holder.isBlank() ? "" : " (process " + holder.replaceFirst(" \\(.*", "") + ")")
                + "; try again when it has finished");
    }

    /**
     * Lets go of the claim; idempotent. A local claim file stays (empty of any lock): deleting it could let two runs
     * lock two different files of that name. A shared claim file is deleted.
     */
    void release() {
        if (released) {
            return;
        }
        released = true;
        if (channel == null) {
            try {
                fs.delete(lock, false);
            } catch (IOException ignored) {
                // Then the next run is refused and told to delete it.
            }
        }
        if (channel != null) {
            try {
                held.release();
                channel.close();
            } catch (IOException ignored) {
                // The lock ends with the channel or the process anyway.
            }
            CLAIMED_HERE.remove(java.nio.file.Path.of(lock.toUri()).toString());
        }
    }
}
