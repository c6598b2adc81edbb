package dev.xent.core;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The sequence-level statistics of a language-model evaluation, mergeable and exact: how many sequences (rows) were
 * evaluated, how many had at least one scored token, the exact sums of their per-sequence mean losses and
 * per-sequence perplexities, and the byte and word counts that turn the token loss into bits per byte or per word.
 *
 * <p>A sequence's mean loss is PyTorch's mean over that sequence's tokens alone; a sequence with no scored token
 * (all ignored, or empty) has none and is left out of the sequence-weighted means. A NaN mean (from NaN logits)
 * stays in and makes those means NaN.
 */
public final class SequenceStats extends FigureBase<SequenceStats> {
    private static final long serialVersionUID = 1L;
    static final String ID = "sequences";

    private long rows;
    private long sequences;
    private ExactSum meanSum = new ExactSum();
    private ExactSum perplexitySum = new ExactSum();
    private long bytes;
    private long words;

    public SequenceStats() {
        super(ID, "language_model", Rows.SEQUENCES);
    }

    @Override
    public Figure zero() {
        return new SequenceStats();
    }

    /** Adds a sequence row (its own state, bytes and words); token rows were counted by the state itself. */
    @Override
    void addRow(ScoredRow row) {
        add(row.sequence());
        addBytes(row.bytes());
        addWords(row.words());
    }

    /** Adds one evaluated sequence, given its own exact state. */
    public void add(LossState sequence) {
        rows++;
        if (sequence.scored() > 0) {
            sequences++;
            double mean = sequence.mean();
            meanSum.add(mean);
            perplexitySum.add(Math.exp(mean));
        }
    }

    /** Adds a sequence's byte count (for bits per byte). */
    public void addBytes(long count) {
        bytes += count;
    }

    /** Adds a sequence's word count (for bits per word). */
    public void addWords(long count) {
        words += count;
    }

    @Override
    void mergeSame(SequenceStats other) {
        rows += other.rows;
        sequences += other.sequences;
        meanSum.merge(other.meanSum);
        perplexitySum.merge(other.perplexitySum);
        bytes += other.bytes;
        words += other.words;
    }

    /** Rows evaluated as sequences (not rejected). */
    public long rows() {
        return rows;
    }

    /** Sequences with at least one scored token. */
    public long sequences() {
        return sequences;
    }

    /** The mean over sequences of each sequence's own mean loss (NaN for none). */
    public double sequenceMeanLoss() {
        return meanSum.value() / sequences;
    }

    /** The mean over sequences of each sequence's own perplexity, exp(its mean loss) (NaN for none). */
    public double sequenceMeanPerplexity() {
        return perplexitySum.value() / sequences;
    }

    public long bytes() {
        return bytes;
    }

    public long words() {
        return words;
    }

    /**
     * The token and sequence figures: perplexity {@code exp(token mean)}, bits per token, the sequence-weighted
     * means, and bits per byte and per word when byte or word counts were given.
     */
    @Override
    public Map<String, Object> values(LossState total) {
        double ln2 = Math.log(2.0);
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("sequences", rows);
        v.put("scored_sequences", sequences);
        v.put("tokens", total.scored() + total.ignored());
        v.put("scored_tokens", total.scored());
        v.put("ignored_tokens", total.ignored());
        v.put("token_mean_loss", total.mean());
        v.put("perplexity", total.perplexity());
        v.put("bits_per_token", total.meanBits());
        v.put("sequence_mean_loss", sequenceMeanLoss());
        v.put("sequence_mean_perplexity", sequenceMeanPerplexity());
        if (bytes > 0) {
            v.put("bytes", bytes);
            v.put("bits_per_byte", total.sum() / (ln2 * bytes));
        }
        if (words > 0) {
            v.put("words", words);
            v.put("bits_per_word", total.sum() / (ln2 * words));
        }
        return v;
    }

    @Override
    public void writeTo(DataOutput out) throws IOException {
        out.writeLong(rows);
        out.writeLong(sequences);
        meanSum.writeTo(out);
        perplexitySum.writeTo(out);
        out.writeLong(bytes);
        out.writeLong(words);
    }

    static SequenceStats readFrom(DataInput in) throws IOException {
        SequenceStats s = new SequenceStats();
        s.rows = in.readLong();
        s.sequences = in.readLong();
        s.meanSum = ExactSum.readFrom(in);
        s.perplexitySum = ExactSum.readFrom(in);
        s.bytes = in.readLong();
        s.words = in.readLong();
        return s;
    }
}
