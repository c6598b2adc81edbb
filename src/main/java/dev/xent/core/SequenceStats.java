package dev.xent.core;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.io.Serializable;

/**
 * The sequence-level statistics of a language-model evaluation, mergeable and exact: how many sequences (rows) were
 * evaluated, how many had at least one scored token, the exact sums of their per-sequence mean losses and
 * per-sequence perplexities, and the byte and word counts that turn the token loss into bits per byte or per word.
 *
 * <p>A sequence's mean loss is PyTorch's mean over that sequence's tokens alone; a sequence with no scored token
 * (all ignored, or empty) has none and is left out of the sequence-weighted means. A NaN mean (from NaN logits)
 * stays in and makes those means NaN.
 */
public final class SequenceStats implements Serializable {
    private static final long serialVersionUID = 1L;

    private long rows;
    private long sequences;
    private ExactSum meanSum = new ExactSum();
    private ExactSum perplexitySum = new ExactSum();
    private long bytes;
    private long words;

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

    public SequenceStats merge(SequenceStats other) {
        rows += other.rows;
        sequences += other.sequences;
        meanSum.merge(other.meanSum);
        perplexitySum.merge(other.perplexitySum);
        bytes += other.bytes;
        words += other.words;
        return this;
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

    void writeTo(DataOutput out) throws IOException {
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
