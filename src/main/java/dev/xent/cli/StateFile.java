package dev.xent.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xent.core.CrossEntropyOptions;
import dev.xent.core.EvaluationResult;
import dev.xent.core.Figure;
import dev.xent.core.InputKind;
import dev.xent.core.LossState;
import dev.xent.core.Reduction;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.spark.sql.types.StructType;

/**
 * {@code state.xent}: the exact state of an evaluation, overall and per group, as a plain file that merges across
 * machines, clusters and Spark versions ({@link #merge}). The layout, every number big-endian (Java's
 * {@code DataOutput}; strings are its modified UTF-8 with a 2-byte length), is written down in
 * {@code docs/state-file.md}: the magic {@code XENT}, the kind {@code state-file} and a version; what was read and
 * the options (JSON); the loss options; C; the figure ids; the group columns with their types; the overall state;
 * then each group's key and state. States are {@link LossState}'s lasting byte form.
 */
final class StateFile {
    /** The file's name in an output folder. */
    static final String NAME = "state.xent";
    static final int MAGIC = 0x58454E54; // "XENT"
    static final String KIND = "state-file";
    static final short VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    final Map<String, Object> input;
    final Map<String, Object> columns;
    final CrossEntropyOptions options;
    final List<String> groupNames;
    final List<GroupKeyType> groupTypes;
    final List<String> groupTypeNames;
    final EvaluationResult result;

    private StateFile(Map<String, Object> input, Map<String, Object> columns, CrossEntropyOptions options,
            List<String> groupNames, List<String> groupTypeNames, EvaluationResult result) {
        this.input = input;
        this.columns = columns;
        this.options = options;
        this.groupNames = List.copyOf(groupNames);
        this.groupTypeNames = List.copyOf(groupTypeNames);
        List<GroupKeyType> types = new ArrayList<>();
        for (int i = 0; i < groupTypeNames.size(); i++) {
            GroupKeyType t = GroupKeyType.of(groupTypeNames.get(i));
            if (t == null) {
                throw new UsageException("--state: group-by column '" + groupNames.get(i) + "' is of type "
                        + groupTypeNames.get(i) + ", which a state file cannot hold; group by a column of an atomic "
                        + "type (string, number, boolean, date, timestamp)");
            }
            types.add(t);
        }
        this.groupTypes = types;
        this.result = result;
    }

    /**
     * The types of the group-by columns, checked before any job runs.
     *
     * @throws UsageException for a column a state cannot hold (nested or binary)
     */
    static List<String> groupTypes(StructType schema, List<String> groupBy) {
        List<String> types = new ArrayList<>();
        for (String name : groupBy) {
            types.add(schema.apply(schema.fieldIndex(name)).dataType().simpleString());
        }
        new StateFile(Map.of(), Map.of(), CrossEntropyOptions.defaults(), groupBy, types, null); // checks them
        return types;
    }

    /** The state of one evaluation; the maps are the summary's {@code input} and column options. */
    static StateFile of(EvaluationResult result, CrossEntropyOptions options, Map<String, Object> input,
            Map<String, Object> columns, List<String> groupBy, List<String> groupTypes) {
        return new StateFile(input, columns, options, groupBy, groupTypes, result);
    }

    byte[] toBytes() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeInt(MAGIC);
            out.writeUTF(KIND);
            out.writeShort(VERSION);
            out.writeUTF(json(input));
            out.writeUTF(json(columns));
            out.writeLong(options.ignoreIndex());
            out.writeDouble(options.labelSmoothing());
            out.writeUTF(options.inputKind().name());
            out.writeUTF(options.reduction().name());
            out.writeInt(options.classes());
            out.writeInt(options.hasWeight() ? options.weight().length : -1);
            if (options.hasWeight()) {
                for (double w : options.weight()) {
                    out.writeDouble(w);
                }
            }
            out.writeInt(result.classes());
            List<String> ids = figureIds(result.total());
            out.writeInt(ids.size());
            for (String id : ids) {
                out.writeUTF(id);
            }
            out.writeInt(groupNames.size());
            for (int i = 0; i < groupNames.size(); i++) {
                out.writeUTF(groupNames.get(i));
                out.writeUTF(groupTypeNames.get(i));
            }
            writeState(out, result.total());
            out.writeInt(result.groups().size());
            for (EvaluationResult.Group g : result.groups()) {
                for (int i = 0; i < groupNames.size(); i++) {
                    groupTypes.get(i).write(out, g.key().get(groupNames.get(i)));
                }
                writeState(out, g.state());
            }
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads a state file.
     *
     * @param name the file's name, for messages
     * @throws UsageException naming the file when the bytes are not a state file this xent reads
     */
    static StateFile read(byte[] bytes, String name) {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
            if (bytes.length < 4 || in.readInt() != MAGIC || !KIND.equals(in.readUTF())) {
                throw new UsageException(name + ": not an xent state file (" + NAME + ")");
            }
            short version = in.readShort();
            if (version < 1 || version > VERSION) {
                throw new UsageException(name + ": state file version " + version + "; this xent reads versions 1 to "
                        + VERSION);
            }
            Map<String, Object> input = map(in.readUTF());
            Map<String, Object> columns = map(in.readUTF());
            CrossEntropyOptions.Builder b = CrossEntropyOptions.builder().ignoreIndex(in.readLong())
                    .labelSmoothing(in.readDouble()).inputKind(InputKind.valueOf(in.readUTF()))
                    .reduction(Reduction.valueOf(in.readUTF()));
            int optionClasses = in.readInt();
            if (optionClasses > 0) {
                b.classes(optionClasses);
            }
            int weights = in.readInt();
            if (weights >= 0) {
                double[] w = new double[weights];
                for (int i = 0; i < weights; i++) {
                    w[i] = in.readDouble();
                }
                b.weight(w);
            }
            int classes = in.readInt();
            int figures = in.readInt();
            for (int i = 0; i < figures; i++) {
                in.readUTF(); // the ids, for readers of the header; the states hold the figures themselves
            }
            int k = in.readInt();
            List<String> names = new ArrayList<>();
            List<String> types = new ArrayList<>();
            for (int i = 0; i < k; i++) {
                names.add(in.readUTF());
                types.add(in.readUTF());
            }
            StateFile header = new StateFile(input, columns, b.build(), names, types, null);
            LossState total = readState(in);
            int n = in.readInt();
            List<EvaluationResult.Group> groups = new ArrayList<>();
            for (int g = 0; g < n; g++) {
                Map<String, Object> key = new LinkedHashMap<>();
                for (int i = 0; i < k; i++) {
                    key.put(names.get(i), header.groupTypes.get(i).read(in));
                }
                groups.add(new EvaluationResult.Group(key, readState(in)));
            }
            if (in.read() != -1) {
                throw new UsageException(name + ": corrupt state file: bytes after the last group");
            }
            return new StateFile(input, columns, header.options, names, types,
                    new EvaluationResult(total, classes, groups));
        } catch (IOException | IllegalArgumentException e) {
            throw new UsageException(name + ": corrupt state file: " + e.getMessage());
        }
    }

    /**
     * The states as one: the same result as one evaluation over all their rows. A group found in several states is
     * their merge; groups come out in Spark's order of their keys.
     *
     * @param names the states' names, for messages
     * @throws UsageException naming the state and the difference, for states made with other group columns, other
     *                        options, another C or other figures
     */
    static StateFile merge(List<StateFile> states, List<String> names) {
        StateFile first = states.get(0);
        int classes = 0;
        for (int s = 0; s < states.size(); s++) {
            StateFile st = states.get(s);
            String difference = first.difference(st);
            if (difference != null) {
                throw new UsageException("merge: " + names.get(s) + " differs from " + names.get(0) + ": "
                        + difference);
            }
            int c = st.result.classes();
            if (c != 0 && classes != 0 && c != classes) {
                throw new UsageException("merge: " + names.get(s) + " has C = " + c + " but an earlier state has C = "
                        + classes);
            }
            classes = c != 0 ? c : classes;
        }
        LossState total = LossState.fromBytes(first.result.total().toBytes());
        TreeMap<List<Object>, LossState> groups = new TreeMap<>(first::compareKeys);
        for (int s = 0; s < states.size(); s++) {
            StateFile st = states.get(s);
            if (s > 0) {
                total.merge(st.result.total());
            }
            for (EvaluationResult.Group g : st.result.groups()) {
                List<Object> key = new ArrayList<>(g.key().values());
                LossState known = groups.get(key);
                if (known == null) {
                    groups.put(key, LossState.fromBytes(g.state().toBytes()));
                } else {
                    known.merge(g.state());
                }
            }
        }
        List<EvaluationResult.Group> merged = new ArrayList<>();
        groups.forEach((key, state) -> {
            Map<String, Object> k = new LinkedHashMap<>();
            for (int i = 0; i < key.size(); i++) {
                k.put(first.groupNames.get(i), key.get(i));
            }
            merged.add(new EvaluationResult.Group(k, state));
        });
        Map<String, Object> columns = new LinkedHashMap<>(first.columns);
        if (states.stream().anyMatch(s -> !Objects.equals(s.columns.get("partitions"), first.columns.get("partitions")))) {
            columns.put("partitions", 0); // how the rows were split differs: not a number of the result
        }
        List<Object> inputs = new ArrayList<>();
        states.forEach(s -> inputs.add(s.input));
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("path", String.join(",", names));
        input.put("format", "xent-state");
        input.put("merged", inputs);
        return new StateFile(input, columns, first.options, first.groupNames, first.groupTypeNames,
                new EvaluationResult(total, classes, merged));
    }

    /** What keeps {@code other} from merging with this state, or null: group columns, options, figures. */
    private String difference(StateFile other) {
        if (!groupNames.equals(other.groupNames) || !groupTypeNames.equals(other.groupTypeNames)) {
            return "other group columns: " + describeGroups(other) + " against " + describeGroups(this);
        }
        Map<String, String> mine = optionText();
        Map<String, String> theirs = other.optionText();
        for (String key : mine.keySet()) {
            if (!Objects.equals(mine.get(key), theirs.get(key))) {
                return "other options: " + key + " " + theirs.get(key) + " against " + mine.get(key);
            }
        }
        LossState a = result.total();
        LossState b = other.result.total();
        if (a.targets() != b.targets()) {
            return "other targets: " + b.targets() + " against " + a.targets();
        }
        if (!figureIds(a).equals(figureIds(b))) {
            return "other figures: " + figureIds(b) + " against " + figureIds(a);
        }
        return null;
    }

    /** The options that change a number, as text: all but how the rows were split ({@code partitions}). */
    private Map<String, String> optionText() {
        Map<String, String> text = new LinkedHashMap<>();
        columns.forEach((k, v) -> {
            if (!k.equals("partitions") && !k.equals("group_by")) {
                text.put(k, String.valueOf(v));
            }
        });
        text.put("weight", options.hasWeight() ? Arrays.toString(options.weight()) : "none");
        text.put("ignore_index", Long.toString(options.ignoreIndex()));
        text.put("label_smoothing", Double.toString(options.labelSmoothing()));
        text.put("input_kind", options.inputKind().name().toLowerCase(Locale.ROOT));
        text.put("reduction", options.reduction().torchName());
        text.put("classes", options.classes() > 0 ? Integer.toString(options.classes()) : "from the rows");
        return text;
    }

    private static String describeGroups(StateFile s) {
        List<String> cols = new ArrayList<>();
        for (int i = 0; i < s.groupNames.size(); i++) {
            cols.add(s.groupNames.get(i) + " " + s.groupTypeNames.get(i));
        }
        return cols.toString();
    }

    private int compareKeys(List<Object> a, List<Object> b) {
        for (int i = 0; i < groupTypes.size(); i++) {
            int c = groupTypes.get(i).compare(a.get(i), b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    private static List<String> figureIds(LossState s) {
        List<String> ids = new ArrayList<>();
        for (Figure f : s.figures()) {
            ids.add(f.id());
        }
        return ids;
    }

    private static void writeState(DataOutputStream out, LossState s) throws IOException {
        byte[] b = s.toBytes();
        out.writeInt(b.length);
        out.write(b);
    }

    private static LossState readState(DataInputStream in) throws IOException {
        byte[] b = new byte[in.readInt()];
        in.readFully(b);
        return LossState.fromBytes(b);
    }

    private static String json(Map<String, Object> map) throws JsonProcessingException {
        return JSON.writeValueAsString(map);
    }

    private static Map<String, Object> map(String json) throws IOException {
        return JSON.readValue(json, new TypeReference<LinkedHashMap<String, Object>>() { });
    }
}
