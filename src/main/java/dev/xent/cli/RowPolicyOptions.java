package dev.xent.cli;

import dev.xent.spark.RowPolicy;
import java.util.Locale;
import picocli.CommandLine.Option;

/** The options that say what happens to an invalid or non-finite row: fail, or set it aside with its reason. */
public final class RowPolicyOptions {
    @Option(names = "--on-invalid", paramLabel = "POLICY", defaultValue = "fail", description = "fail: stop at the "
            + "first invalid row and name it (as PyTorch raises); quarantine: write invalid rows with a reason to "
            + "DIR/rejected and go on (default: ${DEFAULT-VALUE}).")
    String onInvalid;

    @Option(names = "--max-rejected", paramLabel = "N", description = "Stop (exit code 1, nothing written) when more "
            + "than N rows, or more than this fraction of the rows if N < 1 (e.g. 0.01), are rejected (default: no "
            + "limit).")
    String maxRejected;

    @Option(names = "--reject-nonfinite", defaultValue = "false", description = "Reject rows whose logits or "
            + "probabilities hold a NaN or an infinity, to DIR/rejected, instead of letting them into the mean "
            + "(default: ${DEFAULT-VALUE}).")
    boolean rejectNonFinite;

    /** {@code --max-rejected}, parsed. */
    RejectionLimit limit() {
        return RejectionLimit.parse(maxRejected);
    }

    /** The row policy these options ask for, under {@code limit}. */
    RowPolicy policy(RejectionLimit limit) {
        String policy = onInvalid.trim().toLowerCase(Locale.ROOT);
        if (!policy.equals("fail") && !policy.equals("quarantine")) {
            throw new UsageException("--on-invalid: expected fail or quarantine but got '" + onInvalid + "'");
        }
        return RowPolicy.of(policy.equals("quarantine"), rejectNonFinite, limit.perTaskLimit());
    }

    /** The option that asked for rejected rows to be written, for a message that needs an output folder. */
    String rejectingOption() {
        return rejectNonFinite ? "--reject-nonfinite" : "--on-invalid quarantine";
    }
}
