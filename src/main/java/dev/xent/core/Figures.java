package dev.xent.core;

import java.io.DataInput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The registry of figures: one line per figure, its id, how to make an empty one, and how to read its byte form.
 * A state's byte form names its figures by id; an id not registered here is skipped when read.
 */
public final class Figures {
    /** Makes an empty figure; {@code topK} is the k of top-k accuracy (other figures ignore it). */
    public interface Maker {
        Figure make(int topK);
    }

    /** Reads a figure's byte form. */
    public interface Reader {
        Figure read(DataInput in) throws IOException;
    }

    private static final class Entry {
        final Maker maker;
        final Reader reader;

        Entry(Maker maker, Reader reader) {
            this.maker = maker;
            this.reader = reader;
        }
    }

    private static final Map<String, Entry> BY_ID = new LinkedHashMap<>();

    static {
        register(LossAndCounts.ID, k -> new LossAndCounts(), LossAndCounts::readFrom); // every state has it, first
        register(StandardError.ID, k -> new StandardError(), StandardError::readFrom);
        register(Accuracy.ID, k -> new Accuracy(), Accuracy::readFrom);
        register(TopKAccuracy.ID, TopKAccuracy::new, TopKAccuracy::readFrom);
        register(MeanEntropy.ID, k -> new MeanEntropy(), MeanEntropy::readFrom);
        register(CalibrationBins.ID, k -> new CalibrationBins(), CalibrationBins::readFrom);
        register(PerClassStats.ID, k -> new PerClassStats(), PerClassStats::readFrom);
        register(LossHistogram.ID, k -> new LossHistogram(), LossHistogram::readFrom);
        register(SequenceStats.ID, k -> new SequenceStats(), SequenceStats::readFrom);
        register(Brier.ID, k -> new Brier(), Brier::readFrom);
    }

    private Figures() {
    }

    private static void register(String id, Maker maker, Reader reader) {
        BY_ID.put(id, new Entry(maker, reader));
    }

    /** Every registered id, in registration order. */
    public static List<String> ids() {
        return Collections.unmodifiableList(new ArrayList<>(BY_ID.keySet()));
    }

    /** True when {@code id} is registered. */
    public static boolean known(String id) {
        return BY_ID.containsKey(id);
    }

    /**
     * An empty figure.
     *
     * @throws IllegalArgumentException for an id not registered, naming the known ones
     */
    public static Figure make(String id, int topK) {
        Entry e = BY_ID.get(id);
        if (e == null) {
            throw new IllegalArgumentException("unknown figure '" + id + "'; expected one of " + BY_ID.keySet());
        }
        return e.maker.make(topK);
    }

    /** Reads the byte form of a registered figure; null when {@code id} is not registered. */
    static Figure read(String id, DataInput in) throws IOException {
        Entry e = BY_ID.get(id);
        return e == null ? null : e.reader.read(in);
    }

    /** True when a larger value of this name is better (false for unknown names and for the loss). */
    public static boolean largerIsBetter(String value) {
        String id = scalarValues().get(value);
        return id != null && make(id, 5).largerIsBetter(value);
    }

    /**
     * The scalar values (numbers, not lists) every registered figure but the loss and counts reports, name to figure
     * id: the names an evaluator can be asked for beyond the mean and sum, which every evaluation gives.
     */
    public static Map<String, String> scalarValues() {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, Entry> e : BY_ID.entrySet()) {
            if (e.getKey().equals(LossAndCounts.ID)) {
                continue;
            }
            Figure f = e.getValue().maker.make(5);
            LossState empty = new LossState(f.appliesTo(LossState.Targets.CLASS_INDEX, false)
                    ? LossState.Targets.CLASS_INDEX : LossState.Targets.PROBABILITIES, false);
            f.values(empty).forEach((name, v) -> {
                if (v instanceof Double) {
                    out.putIfAbsent(name, e.getKey());
                }
            });
        }
        return out;
    }
}
