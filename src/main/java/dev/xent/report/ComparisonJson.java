package dev.xent.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.xent.core.ComparisonResult;
import dev.xent.core.PairedComparison;
import java.util.Map;

/**
 * {@code comparison.json}: the comparison of two models as JSON. For all compared rows and for each group: each
 * side's mean and sum over the compared rows, then {@link PairedComparison#figures()} (the difference, its paired
 * standard error, interval, z, p-value, wins/ties/losses, rows compared, weight sum) (for language-model rows, {@code unit} is {@code sequence}: rows are sequences, the means are
 * token-level means, and each side also has its {@code perplexity}, {@code exp(mean)}), and with a bootstrap its replicates, seed and percentile {@code ci95}; then the rows not
 * compared ({@code unmatched}: keys on one side only, duplicated keys; {@code ignored}; {@code rejected}, with
 * the first few keys of each). Non-finite values are strings ({@code "NaN"}, {@code "Infinity"}), as in
 * {@code summary.json}.
 */
public final class ComparisonJson {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ComparisonJson() {
    }

    /** The document; {@code options} and {@code inputs} are written as given. */
    public static ObjectNode of(ComparisonResult result, Map<String, Object> options, Map<String, Object> inputs) {
        ObjectNode root = NODES.objectNode();
        root.set("inputs", SummaryJson.toNode(inputs));
        root.set("options", SummaryJson.toNode(options));
        root.put("unit", result.sequences() ? "sequence" : "row");
        putFigures(root, result.total(), result.sequences());
        ObjectNode unmatched = root.putObject("unmatched");
        for (String name : new String[] {"only_in_baseline", "only_in_candidate", "duplicate_keys_baseline",
            "duplicate_keys_candidate"}) {
            unmatched.put(name, result.count(name));
        }
        root.put("ignored", result.count("ignored"));
        root.put("rejected", result.count("rejected"));
        ObjectNode examples = root.putObject("examples");
        result.counts().keySet().forEach(name -> {
            if (!result.examples(name).isEmpty()) {
                examples.set(name, SummaryJson.toNode(result.examples(name)));
            }
        });
        if (!result.groups().isEmpty()) {
            ArrayNode groups = root.putArray("groups");
            for (ComparisonResult.Group g : result.groups()) {
                ObjectNode node = groups.addObject();
                node.set("key", SummaryJson.toNode(g.key()));
                putFigures(node, g.comparison(), result.sequences());
            }
        }
        return root;
    }

    private static void putFigures(ObjectNode node, PairedComparison p, boolean sequences) {
        ObjectNode baseline = node.putObject("baseline");
        baseline.set("mean", SummaryJson.number(p.baselineMean()));
        baseline.set("sum", SummaryJson.number(p.baselineSum()));
        ObjectNode candidate = node.putObject("candidate");
        candidate.set("mean", SummaryJson.number(p.candidateMean()));
        candidate.set("sum", SummaryJson.number(p.candidateSum()));
        if (sequences) {
            baseline.set("perplexity", SummaryJson.number(Math.exp(p.baselineMean())));
            candidate.set("perplexity", SummaryJson.number(Math.exp(p.candidateMean())));
        }
        p.figures().forEach((name, value) -> node.set(name, SummaryJson.toNode(value)));
        if (p.bootstrap() != null) {
            ObjectNode b = node.putObject("bootstrap");
            b.put("replicates", p.bootstrap().replicates());
            b.put("seed", p.bootstrap().seed());
            b.set("ci95", pair(p.bootstrapCi95()));
        }
    }

    private static ArrayNode pair(double[] v) {
        ArrayNode a = NODES.arrayNode();
        a.add(SummaryJson.number(v[0]));
        a.add(SummaryJson.number(v[1]));
        return a;
    }
}
