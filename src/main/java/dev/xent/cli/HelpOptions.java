package dev.xent.cli;

import picocli.CommandLine.Option;

/**
 * {@code -h/--help} and {@code -V} (xent's version), for the commands that read inputs: there {@code --version N} is
 * Delta time travel ({@link InputSource}), so picocli's standard help options, whose {@code --version} would
 * collide, are left out ({@code mixinStandardHelpOptions = false}) and this mixin is used instead.
 */
public final class HelpOptions {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Option(names = "-V", versionHelp = true, description = "Print xent's version and exit ('xent --version' too).")
    boolean version;
}
