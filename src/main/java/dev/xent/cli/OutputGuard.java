package dev.xent.cli;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Refuses, before Spark starts, an output folder that would overlap an input: one that equals an input path,
 * contains one, or lies inside an input folder. Both sides are resolved first: relative paths, {@code ..}, globs
 * (each match counts), symbolic links (local files: every link followed) and {@code file:} or other Hadoop URIs
 * (compared by scheme, authority and path). An input that matches nothing is left to the input check.
 */
final class OutputGuard {
    private OutputGuard() {
    }

    /** Throws a {@link UsageException} naming both paths when {@code output} overlaps {@code input}. */
    static void check(String output, String input, Configuration hadoop) {
        URI out = resolve(output, "--output", hadoop);
        for (URI in : inputs(input, hadoop)) {
            String relation = relation(out, in);
            if (relation != null) {
                throw new UsageException("--output: " + out + " " + relation + " the input " + in
                        + "; choose an output folder outside the input");
            }
        }
    }

    /** "is", "contains" or "lies inside" when the output overlaps this input, else null. */
    static String relation(URI out, URI in) {
        if (!same(out.getScheme(), in.getScheme()) || !same(out.getAuthority(), in.getAuthority())) {
            return null;
        }
        List<String> o = parts(out.getPath());
        List<String> i = parts(in.getPath());
        if (o.equals(i)) {
            return "is";
        }
        if (o.size() < i.size() && i.subList(0, o.size()).equals(o)) {
            return "contains";
        }
        if (i.size() < o.size() && o.subList(0, i.size()).equals(i)) {
            return "lies inside";
        }
        return null;
    }

    private static boolean same(String a, String b) {
        return a == null ? b == null : a.equalsIgnoreCase(b);
    }

    private static List<String> parts(String path) {
        List<String> parts = new ArrayList<>();
        for (String p : path.split("/+")) {
            if (!p.isEmpty()) {
                parts.add(p);
            }
        }
        return parts;
    }

    /** Every path the input names: each glob match, resolved; the input as given when it matches nothing. */
    private static List<URI> inputs(String input, Configuration hadoop) {
        List<URI> resolved = new ArrayList<>();
        if (input == null) {
            return resolved; // a catalog table: its files are the catalog's, never an output folder
        }
        try {
            Path path = new Path(input);
            FileSystem fs = path.getFileSystem(hadoop);
            FileStatus[] matches = fs.globStatus(path);
            if (matches != null) {
                for (FileStatus match : matches) {
                    resolved.add(resolve(match.getPath().toString(), "--input", hadoop));
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new UsageException("--input: cannot read " + input + ": " + e.getMessage());
        }
        return resolved;
    }

    /**
     * A path's qualified URI with symbolic links followed: on the local file system the real path of its longest
     * existing prefix, with the rest appended and {@code ..} removed; elsewhere the file system's own resolution.
     */
    static URI resolve(String given, String option, Configuration hadoop) {
        try {
            Path path = new Path(given);
            FileSystem fs = path.getFileSystem(hadoop);
            Path qualified = fs.makeQualified(path);
            if ("file".equals(qualified.toUri().getScheme())) {
                return localRealPath(java.nio.file.Path.of(qualified.toUri())).toUri();
            }
            return fs.exists(qualified) ? fs.resolvePath(qualified).toUri() : qualified.toUri();
        } catch (IOException | IllegalArgumentException e) {
            throw new UsageException(option + ": cannot resolve " + given + ": " + e.getMessage());
        }
    }

    private static java.nio.file.Path localRealPath(java.nio.file.Path path) throws IOException {
        java.nio.file.Path absolute = path.toAbsolutePath().normalize();
        java.nio.file.Path existing = absolute;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return absolute;
        }
        return existing.toRealPath().resolve(existing.relativize(absolute)).normalize();
    }
}
