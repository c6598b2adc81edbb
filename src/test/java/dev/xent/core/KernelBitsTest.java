package dev.xent.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The per-row losses of the same rows (C = 1-15, 16, 17, 1,000, 32,000, 128,000; see {@link SumExpProbe}) have the
 * same bits in every JVM state and on every vector width: interpreted ({@code -Xint}), C1 only, C2 only after warm-up
 * (the probe's compilation log must show the kernel compiled), with AVX2, AVX and SSE code ({@code -XX:UseAVX=2, 1, 0}),
 * with 128-bit vectors, with AVX-512 where the CPU has it, and on the scalar kernel (also in a JVM without the
 * Vector API module). The reference is the scalar kernel in this JVM.
 */
class KernelBitsTest {
    private static final String EXPECTED = hashes(SumExpProbe.line(SumExp.scalar()));

    private static String hashes(String probeLine) {
        return probeLine.substring(probeLine.indexOf(' ') + 1);
    }

    @Test
    void theVectorKernelAfterWarmUpHasTheScalarBits() {
        assumeTrue(SumExp.vectorAvailable(), "no vector kernel in this JVM");
        for (int i = 0; i < 30; i++) {
            SumExpProbe.lossHashes(SumExp.vector());
        }
        assertEquals(EXPECTED, hashes(SumExpProbe.line(SumExp.vector())));
    }

    @TestFactory
    Stream<DynamicTest> everyJvmStateAndVectorWidthGivesTheScalarBits() {
        assumeTrue(SumExp.vectorAvailable(), "no vector kernel in this JVM");
        String vector = "vector(8-lane)";
        return Stream.of(
                probe("interpreted (-Xint)", vector, null, "-Xint", "best"),
                probe("interpreted scalar (-Xint -Dxent.vector=false)", "scalar", null, "-Xint", "-Dxent.vector=false",
                        "best"),
                probe("C2 only, after warm-up", vector, "dev.xent.core.VectorSumExp::sumExpShifted",
                        "-XX:-TieredCompilation", "-Xbatch", "-XX:+PrintCompilation", "best", "warm"),
                probe("C1 only, after warm-up", vector, null, "-XX:TieredStopAtLevel=1", "best", "warm"),
                probe("AVX2 (-XX:UseAVX=2)", vector, null, "-XX:UseAVX=2", "best", "warm"),
                probe("AVX (-XX:UseAVX=1)", vector, null, "-XX:UseAVX=1", "vector", "warm"),
                probe("SSE (-XX:UseAVX=0: the 256-bit lanes run on the Java fallback)", vector, null, "-XX:UseAVX=0",
                        "vector"),
                probe("128-bit vectors (-XX:MaxVectorSize=16)", vector, null, "-XX:MaxVectorSize=16", "vector"),
                DynamicTest.dynamicTest("AVX-512 (-XX:UseAVX=3)", () -> {
                    assumeTrue(cpuHas("avx512f"), "this CPU has no AVX-512 (/proc/cpuinfo): not run here");
                    check(vector, null, List.of("-XX:UseAVX=3", "best", "warm"));
                }));
    }

    /** A JVM without {@code --add-modules jdk.incubator.vector} falls back to the scalar kernel, with the same bits. */
    @Test
    void aJvmWithoutTheModuleRunsTheScalarKernelWithTheSameBits() throws IOException, InterruptedException {
        String out = run(List.of("best"), false);
        assertEquals("scalar " + EXPECTED, out);
    }

    private static DynamicTest probe(String name, String kernel, String compiled, String... args) {
        return DynamicTest.dynamicTest(name, () -> check(kernel, compiled, List.of(args)));
    }

    private static void check(String kernel, String compiled, List<String> args) throws IOException,
            InterruptedException {
        String out = run(args, true);
        if (compiled != null) {
            assertTrue(out.contains(compiled), "the compilation log does not show " + compiled + " compiled");
        }
        String last = out.substring(out.lastIndexOf('\n') + 1);
        assertEquals(kernel + " " + EXPECTED, last, "JVM " + args);
    }

    private static String run(List<String> args, boolean withModule) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx512m"));
        if (withModule) {
            command.add("--add-modules=jdk.incubator.vector");
        }
        List<String> jvm = new ArrayList<>();
        List<String> probe = new ArrayList<>();
        for (String a : args) {
            (a.startsWith("-") ? jvm : probe).add(a);
        }
        command.addAll(jvm);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), SumExpProbe.class.getName()));
        command.addAll(probe);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] bytes = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(600, TimeUnit.SECONDS), "the probe JVM did not finish: " + command);
        String out = new String(bytes, StandardCharsets.UTF_8).trim();
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    private static boolean cpuHas(String flag) throws IOException {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        return Files.exists(cpuinfo) && Files.readString(cpuinfo).contains(" " + flag + " ");
    }
}
