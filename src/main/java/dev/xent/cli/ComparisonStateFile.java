package dev.xent.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xent.core.ComparisonResult;
import dev.xent.core.PairedComparison;
import dev.xent.core.PoissonBootstrap;
import dev.xent.spark.Comparison;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code state.xent} of a comparison ({@code xent compare --state}): the kind {@code comparison-state}, then what
 * was read and the options (JSON), the unit, the bootstrap, the group columns with their types, the counts of rows
 * not compared with their example keys, and the exact {@link PairedComparison} overall and per group (with the
 * bootstrap replicates). Every number big-endian; the layout is in {@code docs/state-file.md}. {@link #merge} gives
 * the comparison of all the states' rows, bit for bit as one {@code compare} over them.
 */
final class ComparisonStateFile {
    static final String KIND = "comparison-state";
    static final short VERSION = 1;
    /** The {@code inputs} entries that name what was read; all others must agree to merge. */
    private static final List<String> READ = List.of("baseline", "candidate", "input");
    private static final ObjectMapper JSON = new ObjectMapper();

    final Map<String, Object> inputs;
    final Map<String, Object> options;
    /** Options that change the numbers without appearing in comparison.json ({@code classes}, encoding). */
    final Map<String, Object> settings;
    final PoissonBootstrap bootstrap;
    final List<String> groupNames;
    final List<String> groupTypeNames;
    final ComparisonResult result;
    private final List<GroupKeyType> groupTypes = new ArrayList<>();

    ComparisonStateFile(Map<String, Object> inputs, Map<String, Object> options, Map<String, Object> settings,
            PoissonBootstrap bootstrap, List<String> groupNames, List<String> groupTypeNames, ComparisonResult result) {
        this.inputs = inputs;
        this.options = options;
        this.settings = settings;
        this.bootstrap = bootstrap;
        this.groupNames = List.copyOf(groupNames);
        this.groupTypeNames = List.copyOf(groupTypeNames);
        this.result = result;
        for (String t : groupTypeNames) {
            groupTypes.add(Objects.requireNonNull(GroupKeyType.of(t), t)); // StateFile.groupTypes checked them
        }
    }

    /** The kind written after the magic ({@link StateFile#KIND} or {@link #KIND}), or null when not a state file. */
    static String kind(byte[] bytes) {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
            return bytes.length >= 4 && in.readInt() == StateFile.MAGIC ? in.readUTF() : null;
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }

    byte[] toBytes() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeInt(StateFile.MAGIC);
            out.writeUTF(KIND);
            out.writeShort(VERSION);
            out.writeUTF(JSON.writeValueAsString(inputs));
            out.writeUTF(JSON.writeValueAsString(options));
            out.writeUTF(JSON.writeValueAsString(settings));
            out.writeBoolean(result.sequences());
            out.writeInt(bootstrap == null ? 0 : bootstrap.replicates());
            out.writeLong(bootstrap == null ? 0 : bootstrap.seed());
            out.writeInt(groupNames.size());
            for (int i = 0; i < groupNames.size(); i++) {
                out.writeUTF(groupNames.get(i));
                out.writeUTF(groupTypeNames.get(i));
            }
            out.writeInt(result.counts().size());
            for (String name : result.counts().keySet()) {
                out.writeUTF(name);
                out.writeLong(result.count(name));
                out.writeInt(result.examples(name).size());
                for (String e : result.examples(name)) {
                    out.writeUTF(e);
                }
            }
            write(out, result.total());
            out.writeInt(result.groups().size());
            for (ComparisonResult.Group g : result.groups()) {
                for (int i = 0; i < groupNames.size(); i++) {
                    groupTypes.get(i).write(out, g.key().get(groupNames.get(i)));
                }
                write(out, g.comparison());
            }
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads a comparison state.
     *
     * @param name the file's name, for messages
     * @throws UsageException naming the file when the bytes are not a comparison state this xent reads
     */
    static ComparisonStateFile read(byte[] bytes, String name) {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
            if (bytes.length < 4 || in.readInt() != StateFile.MAGIC || !KIND.equals(in.readUTF())) {
                throw new UsageException(name + ": not an xent comparison state (" + StateFile.NAME + ")");
            }
            short version = in.readShort();
            if (version < 1 || version > VERSION) {
                throw new UsageException(name + ": comparison state version " + version + "; this xent reads "
                        + "versions 1 to " + VERSION);
            }
            Map<String, Object> inputs = map(in.readUTF());
            Map<String, Object> options = map(in.readUTF());
            Map<String, Object> settings = map(in.readUTF());
            boolean sequences = in.readBoolean();
            int replicates = in.readInt();
            long seed = in.readLong();
            PoissonBootstrap bootstrap = replicates == 0 ? null : new PoissonBootstrap(replicates, seed);
            int k = in.readInt();
            List<String> names = new ArrayList<>();
            List<String> types = new ArrayList<>();
            for (int i = 0; i < k; i++) {
                names.add(in.readUTF());
                String type = in.readUTF();
                if (GroupKeyType.of(type) == null) {
                    throw new IOException("group column type " + type);
                }
                types.add(type);
            }
            Map<String, Long> counts = new LinkedHashMap<>();
            Map<String, List<String>> examples = new LinkedHashMap<>();
            int n = in.readInt();
            for (int c = 0; c < n; c++) {
                String count = in.readUTF();
                counts.put(count, in.readLong());
                List<String> e = new ArrayList<>();
                int m = in.readInt();
                for (int j = 0; j < m; j++) {
                    e.add(in.readUTF());
                }
                examples.put(count, e);
            }
            PairedComparison total = readComparison(in);
            ComparisonStateFile header = new ComparisonStateFile(inputs, options, settings, bootstrap, names, types,
                    null);
            List<ComparisonResult.Group> groups = new ArrayList<>();
            int g = in.readInt();
            for (int j = 0; j < g; j++) {
                Map<String, Object> key = new LinkedHashMap<>();
                for (int i = 0; i < k; i++) {
                    key.put(names.get(i), header.groupTypes.get(i).read(in));
                }
                groups.add(new ComparisonResult.Group(key, readComparison(in)));
            }
            if (in.read() != -1) {
                throw new UsageException(name + ": corrupt comparison state: bytes after the last group");
            }
            return new ComparisonStateFile(inputs, options, settings, bootstrap, names, types,
                    new ComparisonResult(total, groups, counts, examples, sequences));
        } catch (IOException | IllegalArgumentException | UncheckedIOException e) {
            throw new UsageException(name + ": corrupt comparison state: " + e.getMessage());
        }
    }

    /**
     * The states as one comparison: the result of one {@code compare} over all their rows, provided no key spans two
     * states (see {@link Comparison#merge}).
     *
     * @param names the states' names, for messages
     * @throws UsageException naming the state and the difference: other group columns, options, bootstrap or unit
     */
    static ComparisonStateFile merge(List<ComparisonStateFile> states, List<String> names) {
        ComparisonStateFile first = states.get(0);
        List<ComparisonResult> parts = new ArrayList<>();
        List<Object> read = new ArrayList<>();
        for (int s = 0; s < states.size(); s++) {
            String difference = first.difference(states.get(s));
            if (difference != null) {
                throw new UsageException("merge: " + names.get(s) + " differs from " + names.get(0) + ": "
                        + difference);
            }
            parts.add(states.get(s).result);
            read.add(states.get(s).inputs);
        }
        Map<String, Object> inputs = new LinkedHashMap<>();
        inputs.put("path", String.join(",", names));
        inputs.put("format", "xent-state");
        first.inputs.forEach((key, value) -> {
            if (!READ.contains(key)) {
                inputs.put(key, value);
            }
        });
        inputs.put("merged", read);
        return new ComparisonStateFile(inputs, first.options, first.settings, first.bootstrap, first.groupNames,
                first.groupTypeNames, Comparison.merge(parts, first.bootstrap));
    }

    /** What keeps {@code other} from merging with this state, or null. */
    private String difference(ComparisonStateFile other) {
        if (!groupNames.equals(other.groupNames) || !groupTypeNames.equals(other.groupTypeNames)) {
            return "other group columns: " + columns(other) + " against " + columns(this);
        }
        if (!Objects.equals(bootstrap, other.bootstrap)) {
            return "other bootstrap: " + describe(other.bootstrap) + " against " + describe(bootstrap);
        }
        if (result.sequences() != other.result.sequences()) {
            return "other rows: " + unit(other) + " against " + unit(this);
        }
        Map<String, Object> mine = new LinkedHashMap<>(options);
        mine.putAll(settings);
        inputs.forEach((key, value) -> {
            if (!READ.contains(key)) {
                mine.put(key, value);
            }
        });
        Map<String, Object> theirs = new LinkedHashMap<>(other.options);
        theirs.putAll(other.settings);
        other.inputs.forEach((key, value) -> {
            if (!READ.contains(key)) {
                theirs.put(key, value);
            }
        });
        for (String key : mine.keySet()) {
            if (!Objects.equals(String.valueOf(mine.get(key)), String.valueOf(theirs.get(key)))) {
                return "other options: " + key + " " + theirs.get(key) + " against " + mine.get(key);
            }
        }
        return null;
    }

    private static String columns(ComparisonStateFile s) {
        List<String> cols = new ArrayList<>();
        for (int i = 0; i < s.groupNames.size(); i++) {
            cols.add(s.groupNames.get(i) + " " + s.groupTypeNames.get(i));
        }
        return cols.toString();
    }

    private static String describe(PoissonBootstrap b) {
        return b == null ? "none" : b.replicates() + " replicates, seed " + b.seed();
    }

    private static String unit(ComparisonStateFile s) {
        return s.result.sequences() ? "sequences" : "rows";
    }

    private static void write(DataOutputStream out, PairedComparison p) throws IOException {
        byte[] b = p.toBytes();
        out.writeInt(b.length);
        out.write(b);
    }

    private static PairedComparison readComparison(DataInputStream in) throws IOException {
        byte[] b = new byte[in.readInt()];
        in.readFully(b);
        return PairedComparison.fromBytes(b);
    }

    private static Map<String, Object> map(String json) throws IOException {
        return JSON.readValue(json, new TypeReference<LinkedHashMap<String, Object>>() { });
    }
}
