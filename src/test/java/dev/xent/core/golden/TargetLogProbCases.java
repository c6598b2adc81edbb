package dev.xent.core.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xent.core.CrossEntropyOptions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The golden cases of input kind target-log-probs ({@code target_log_probs/cases.jsonl}, written by torch through
 * {@code generate.py} beside it): sequences of full logits with their targets, each token's target log-probability
 * {@code log_softmax(x).gather(y)}, masks, token and class weights, and every figure torch computed from them.
 * Loading checks the count the generator wrote, so no loop over the cases can pass by running too few times.
 */
public final class TargetLogProbCases {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TargetLogProbCases() {
    }

    /** Every case, after checking their number against {@code count.json}. */
    public static List<JsonNode> load() {
        List<JsonNode> cases = new ArrayList<>();
        try (BufferedReader r = open("cases.jsonl")) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (!line.isBlank()) {
                    cases.add(JSON.readTree(line));
                }
            }
            JsonNode count = JSON.readTree(open("count.json"));
            assertEquals(count.get("cases.jsonl").asInt(), cases.size(), "cases in cases.jsonl");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return cases;
    }

    private static BufferedReader open(String name) {
        InputStream in = TargetLogProbCases.class.getResourceAsStream("/target_log_probs/" + name);
        if (in == null) {
            throw new IllegalStateException("missing test resource target_log_probs/" + name);
        }
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    }

    /** The case's options: its class weights (if any) and ignore index, input kind target-log-probs. */
    public static CrossEntropyOptions options(JsonNode c, dev.xent.core.InputKind kind) {
        CrossEntropyOptions.Builder b = CrossEntropyOptions.builder().ignoreIndex(c.get("ignore_index").asLong())
                .inputKind(kind);
        if (!c.get("class_weight").isNull()) {
            b.weight(GoldenCase.numbers(c.get("class_weight")));
        }
        return b.build();
    }

    public static double[] logp(JsonNode s) {
        return GoldenCase.numbers(s.get("logp"));
    }

    /** The mask, or null when the case has none. */
    public static boolean[] mask(JsonNode c, JsonNode s) {
        if (!c.get("has_mask").asBoolean()) {
            return null;
        }
        boolean[] m = new boolean[s.get("mask").size()];
        for (int t = 0; t < m.length; t++) {
            m[t] = s.get("mask").get(t).asBoolean();
        }
        return m;
    }

    /** The token weights, or null. */
    public static double[] tokenWeights(JsonNode s) {
        return s.get("token_weight").isNull() ? null : GoldenCase.numbers(s.get("token_weight"));
    }

    public static long[] targets(JsonNode s) {
        long[] y = new long[s.get("target").size()];
        for (int t = 0; t < y.length; t++) {
            y[t] = s.get("target").get(t).asLong();
        }
        return y;
    }

    /** The full-logit targets: the target, or the ignore index where the mask leaves a token out. */
    public static long[] fullLogitTargets(JsonNode c, JsonNode s) {
        long[] y = targets(s);
        boolean[] m = mask(c, s);
        for (int t = 0; m != null && t < y.length; t++) {
            if (!m[t]) {
                y[t] = c.get("ignore_index").asLong();
            }
        }
        return y;
    }

    public static double[][] logits(JsonNode s) {
        JsonNode x = s.get("logits");
        double[][] out = new double[x.size()][];
        for (int t = 0; t < out.length; t++) {
            out[t] = GoldenCase.numbers(x.get(t));
        }
        return out;
    }
}
