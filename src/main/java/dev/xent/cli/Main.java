package dev.xent.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code xent} command line: {@code main} only runs the command and exits with its code. */
@Command(name = "xent", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "PyTorch-exact cross-entropy evaluation on Apache Spark.",
        subcommands = {EvaluateCommand.class, MergeCommand.class})
public final class Main implements java.util.concurrent.Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs {@code xent} with these arguments and streams; returns the exit code (see {@link ExitCode}). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine cli = new CommandLine(new Main());
        PrintWriter outWriter = new PrintWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), true);
        PrintWriter errWriter = new PrintWriter(new java.io.OutputStreamWriter(err, StandardCharsets.UTF_8), true);
        cli.setOut(outWriter);
        cli.setErr(errWriter);
        cli.setParameterExceptionHandler((e, a) -> {
            errWriter.println("xent: " + e.getMessage() + " (see '"
                    + e.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
            return ExitCode.BAD_INPUT;
        });
        CommandLine command = args.length > 0 ? cli.getSubcommands().get(args[0]) : null;
        try {
            ConfigFile config = command == null ? null : ConfigFile.fromArgs(args, command.getCommandSpec());
            if (config != null) {
                command.setDefaultValueProvider(config);
            }
        } catch (UsageException e) {
            errWriter.println("xent: " + e.getMessage());
            return ExitCode.BAD_INPUT;
        }
        return cli.execute(args);
    }

    /** {@code xent} without a command: the usage, on standard error, and exit code 2. */
    @Override
    public Integer call() {
        spec.commandLine().getErr().println("xent: give a command, for example 'xent evaluate --input PATH'");
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCode.BAD_INPUT;
    }

    /** The version from the jar's manifest, else "development". */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"xent " + (v == null ? "(development build)" : v)};
        }
    }
}
