package dev.xent.core;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

/**
 * The code that wrote the golden states in {@code src/test/resources/states/}: deterministic rows through this
 * version's kernel, each state's byte form ({@code NAME.state}) and what it reports ({@code NAME.txt}). Run
 * {@code main} with the folder to write them again; later versions must keep reading the files written here
 * ({@link StateFormatTest}), so do not rewrite them when the format changes: add new ones.
 */
public final class GoldenStates {
    static final int C = 5;
    /** The figures of version 1 of the format (later figures are not in these files). */
    private static final List<String> FIGURES = List.of("standard_error", "accuracy", "top_k", "entropy",
            "calibration", "per_class", "histogram", "sequences");

    private GoldenStates() {
    }

    /** The golden states by name, made from fixed rows. */
    static Map<String, Supplier<LossState>> cases() {
        Map<String, Supplier<LossState>> cases = new LinkedHashMap<>();
        cases.put("class_index_all_figures", () -> {
            CrossEntropyOptions o = CrossEntropyOptions.builder().weight(1, 2, 0.5, 1, 3).labelSmoothing(0.1)
                    .ignoreIndex(4).build();
            LossState s = LossState.of(o, LossState.Targets.CLASS_INDEX);
            for (String id : FIGURES) {
                Figure f = Figures.make(id, 2);
                if (f.appliesTo(LossState.Targets.CLASS_INDEX, false)) {
                    s.withFigure(f);
                }
            }
            Random r = new Random(1);
            CrossEntropy k = new CrossEntropy(o, C);
            for (int i = 0; i < 40; i++) {
                k.add(s, row(r), r.nextInt(C));
            }
            s.addRejected();
            s.addNonFiniteInput();
            return s;
        });
        cases.put("probabilities", () -> {
            CrossEntropyOptions o = CrossEntropyOptions.builder().ignoreIndex(-1).build();
            LossState s = LossState.of(o, LossState.Targets.PROBABILITIES);
            for (String id : FIGURES) {
                Figure f = Figures.make(id, 2);
                if (f.appliesTo(LossState.Targets.PROBABILITIES, false)) {
                    s.withFigure(f);
                }
            }
            Random r = new Random(2);
            CrossEntropy k = new CrossEntropy(o, C);
            for (int i = 0; i < 30; i++) {
                double[] p = new double[C];
                p[r.nextInt(C)] = 0.75;
                p[r.nextInt(C)] += 0.25;
                k.add(s, row(r), p);
            }
            return s;
        });
        cases.put("sequences", () -> {
            CrossEntropyOptions o = CrossEntropyOptions.defaults();
            LossState s = LossState.of(o, LossState.Targets.CLASS_INDEX).withFigure(new SequenceStats());
            Random r = new Random(3);
            SequenceLoss loss = new SequenceLoss(o, C);
            for (int i = 0; i < 12; i++) {
                double[][] tokens = new double[1 + i % 4][];
                long[] targets = new long[tokens.length];
                for (int t = 0; t < tokens.length; t++) {
                    tokens[t] = row(r);
                    targets[t] = t % 3 == 2 ? -100 : r.nextInt(C);
                }
                loss.add(s, tokens, targets, 20 + i, 4 + i);
            }
            return s;
        });
        return cases;
    }

    private static double[] row(Random r) {
        double[] x = new double[C];
        for (int c = 0; c < C; c++) {
            x[c] = Math.round(r.nextGaussian() * 4 * 1024) / 1024.0;
        }
        return x;
    }

    /** What a state reports, one line per figure: exact bits for the loss, {@code toString} for figure values. */
    static String describe(LossState s) {
        StringBuilder b = new StringBuilder();
        b.append("targets ").append(s.targets()).append(", C ").append(s.classes()).append('\n');
        b.append("mean ").append(Long.toHexString(Double.doubleToRawLongBits(s.mean())))
                .append(", sum ").append(Long.toHexString(Double.doubleToRawLongBits(s.sum())))
                .append(", weight sum ").append(Long.toHexString(Double.doubleToRawLongBits(s.weightSum())))
                .append('\n');
        b.append("rows ").append(s.rows()).append(", scored ").append(s.scored()).append(", ignored ")
                .append(s.ignored()).append(", rejected ").append(s.rejected()).append(", non-finite ")
                .append(s.nonFinite()).append(", non-finite inputs ").append(s.nonFiniteInputs()).append('\n');
        for (Figure f : s.figures()) {
            b.append(f.id()).append(' ').append(f.values(s)).append('\n');
        }
        return b.toString();
    }

    /**
     * {@code bytes} with one more section, {@code [id, length, payload]}, after the others (and its id in the
     * header): what a later xent with a figure this one does not know would write. Reads the header as the
     * format's notes in {@link LossState} describe it.
     */
    static byte[] withExtraSection(byte[] bytes, String id, byte[] payload) {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(b);
            out.writeInt(in.readInt()); // magic
            out.writeShort(in.readShort()); // version
            out.writeByte(in.readByte()); // targets
            out.writeBoolean(in.readBoolean()); // smoothed
            out.writeInt(in.readInt()); // C
            boolean hasOptions = in.readBoolean();
            out.writeBoolean(hasOptions);
            if (hasOptions) {
                out.writeLong(in.readLong());
                out.writeDouble(in.readDouble());
                out.writeUTF(in.readUTF());
                int n = in.readInt();
                out.writeInt(n);
                for (int i = 0; i < n; i++) {
                    out.writeDouble(in.readDouble());
                }
            }
            int sections = in.readInt();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < sections; i++) {
                ids.add(in.readUTF());
            }
            out.writeInt(sections + 1);
            for (String existing : ids) {
                out.writeUTF(existing);
            }
            out.writeUTF(id);
            out.write(in.readAllBytes());
            out.writeUTF(id);
            out.writeInt(payload.length);
            out.write(payload);
            out.flush();
            return b.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes every golden state and its description into {@code args[0]}. */
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        Files.createDirectories(dir);
        for (Map.Entry<String, Supplier<LossState>> e : cases().entrySet()) {
            LossState s = e.getValue().get();
            Files.write(dir.resolve(e.getKey() + ".state"), s.toBytes());
            Files.writeString(dir.resolve(e.getKey() + ".txt"), describe(s), StandardCharsets.UTF_8);
        }
        LossState s = cases().get("class_index_all_figures").get();
        byte[] future = withExtraSection(s.toBytes(), "from_a_later_xent", new byte[] {1, 2, 3, 4, 5});
        Files.write(dir.resolve("unknown_section.state"), future);
        Files.writeString(dir.resolve("unknown_section.txt"), describe(s), StandardCharsets.UTF_8);
    }
}
