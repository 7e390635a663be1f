package dev.cairn.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The one entry point: {@code cairn <role|tool> ...}, as {@code thanos} and {@code promtool} are.
 * Errors print one sentence to stderr and exit non-zero; {@code --debug} adds the stack trace.
 */
@Command(name = "cairn",
        mixinStandardHelpOptions = true,
        versionProvider = Cairn.Version.class,
        description = "Long-term metrics store for Prometheus on plain VMs.",
        subcommands = {CommandLine.HelpCommand.class})
public final class Cairn implements Runnable {

    @Option(names = "--debug", description = "Print stack traces of errors.", scope = CommandLine.ScopeType.INHERIT)
    boolean debug;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
    }

    public static void main(String[] args) {
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs a command line with the given streams; the exit code is returned, not taken. */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = commandLine();
        cl.setOut(out);
        cl.setErr(err);
        boolean debug = false;
        for (String a : args) {
            if (a.equals("--debug")) {
                debug = true;
            }
        }
        final boolean printTrace = debug;
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            commandLine.getErr().println("cairn: " + Errors.sentence(ex));
            if (printTrace) {
                ex.printStackTrace(commandLine.getErr());
            }
            commandLine.getErr().flush();
            return ex instanceof CommandLine.ParameterException ? 2 : 1;
        });
        return cl.execute(args);
    }

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Cairn());
        cl.addSubcommand("appliance", new ApplianceCommand());
        cl.addSubcommand("tsdb", TsdbCommand.commandLine());
        cl.addSubcommand("agent", new AgentCommand());
        cl.addSubcommand("pki", PkiCommand.commandLine());
        cl.addSubcommand("sizing", new SizingCommand());
        cl.addSubcommand("bucket", BucketCommand.commandLine());
        return cl;
    }

    /** Version, git revision (when known at build time), and the Java runtime. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"cairn " + version() + " (java " + Runtime.version() + ", "
                    + System.getProperty("java.vm.name") + ")"};
        }

        static String version() {
            Properties p = new Properties();
            try (InputStream in = Cairn.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return p.getProperty("version", "unknown");
        }
    }
}
