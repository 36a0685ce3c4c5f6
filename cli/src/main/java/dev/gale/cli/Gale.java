package dev.gale.cli;

import dev.gale.arrow.BadInputException;
import dev.gale.encoder.model.ModelLoadException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.List;

/** The {@code gale} command. */
@Command(name = "gale", mixinStandardHelpOptions = true, versionProvider = Gale.Version.class,
        description = "Run BERT-family transformer encoders in pure Java: text in; embeddings, labels, rerank scores, entities or masked-token predictions out.")
public final class Gale {
    public static final int OK = 0;
    public static final int FAILURE = 1;
    public static final int BAD_INPUT = 2;

    /** The subcommands, in the order of the usage help. */
    private static final List<String> SUBCOMMANDS = List.of("embed", "classify", "rerank", "ner", "fill-mask", "tokenize", "serve",
            "info", "devices", "bench", "help");

    private static Object subcommand(String name) {
        return switch (name) {
            case "embed" -> new EmbedCommand();
            case "classify" -> new ClassifyCommand();
            case "rerank" -> new RerankCommand();
            case "ner" -> new NerCommand();
            case "fill-mask" -> new FillMaskCommand();
            case "tokenize" -> new TokenizeCommand();
            case "serve" -> new ServeCommand();
            case "info" -> new InfoCommand();
            case "devices" -> new DevicesCommand();
            case "bench" -> new BenchCommand();
            case "help" -> new CommandLine.HelpCommand();
            default -> throw new IllegalArgumentException(name);
        };
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Gale());
        // picocli reads every subcommand's options by reflection when it is added: a run of one subcommand adds only
        // that one (one-sentence gale embed: 0.1-0.2 s sooner); help, errors and no subcommand get them all
        if (args.length > 0 && !args[0].equals("help") && SUBCOMMANDS.contains(args[0])) {
            cli.addSubcommand(subcommand(args[0]));
        } else {
            for (String name : SUBCOMMANDS) {
                cli.addSubcommand(subcommand(name));
            }
        }
        cli.setExitCodeExceptionMapper(e -> e instanceof CommandLine.ParameterException ? BAD_INPUT : FAILURE);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("gale: " + oneLine(e));
            return isBadInput(e) ? BAD_INPUT : FAILURE;
        });
        cli.setParameterExceptionHandler((e, a) -> {
            CommandLine c = e.getCommandLine();
            c.getErr().println("gale: " + e.getMessage() + " (see '" + c.getCommandSpec().qualifiedName() + " --help')");
            return BAD_INPUT;
        });
        return cli.execute(args);
    }

    /** Errors caused by what the user gave us (a file, a flag, the data) rather than by Gale. */
    static boolean isBadInput(Throwable e) {
        return e instanceof ModelLoadException || e instanceof BadInputException || e instanceof IllegalArgumentException
                || e instanceof java.nio.file.NoSuchFileException || e instanceof java.nio.file.AccessDeniedException;
    }

    static String oneLine(Throwable e) {
        String message = e.getMessage();
        if (e instanceof java.nio.file.NoSuchFileException) {
            message = e.getMessage() + ": no such file";
        } else if (e instanceof java.nio.file.AccessDeniedException) {
            message = e.getMessage() + ": permission denied";
        }
        if (message == null || message.isBlank()) {
            message = e.getClass().getSimpleName();
        }
        return message.lines().findFirst().orElse(message);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Gale.class.getPackage().getImplementationVersion();
            return new String[]{"gale " + (v == null ? "development build" : v) + ", Java " + Runtime.version()};
        }
    }
}
