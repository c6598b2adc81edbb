package dev.xent.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code --config FILE}: a properties file whose keys are the long option names without dashes
 * ({@code input}, {@code label-smoothing}, {@code group-by}, ...). Its values become the options' defaults, so flags
 * on the command line override them. An unknown key is an error naming the key and the file. {@code conf} holds
 * Spark settings as {@code key=value} pairs separated by commas.
 */
final class ConfigFile implements CommandLine.IDefaultValueProvider {
    private final Properties properties;

    private ConfigFile(Properties properties) {
        this.properties = properties;
    }

    /** The config named by {@code --config} in {@code args}, checked against {@code spec}; null without one. */
    static ConfigFile fromArgs(String[] args, CommandSpec spec) {
        String file = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                file = args[i + 1];
            } else if (args[i].startsWith("--config=")) {
                file = args[i].substring("--config=".length());
            }
        }
        return file == null ? null : load(Path.of(file), spec);
    }

    static ConfigFile load(Path file, CommandSpec spec) {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (IOException e) {
            throw new UsageException("--config: cannot read " + file + ": " + e.getMessage());
        }
        Set<String> known = new TreeSet<>();
        for (OptionSpec o : spec.options()) {
            String key = key(o);
            if (key != null && !key.equals("config") && !key.equals("help") && !key.equals("version")) {
                known.add(key);
            }
        }
        for (String key : p.stringPropertyNames()) {
            if (!known.contains(key)) {
                throw new UsageException("--config: unknown key '" + key + "' in " + file + "; known keys: "
                        + String.join(", ", known));
            }
        }
        return new ConfigFile(p);
    }

    private static String key(OptionSpec o) {
        String longest = o.longestName();
        return longest.startsWith("--") ? longest.substring(2) : null;
    }

    @Override
    public String defaultValue(ArgSpec arg) {
        if (!(arg instanceof OptionSpec)) {
            return null;
        }
        String key = key((OptionSpec) arg);
        return key == null ? null : properties.getProperty(key);
    }
}
