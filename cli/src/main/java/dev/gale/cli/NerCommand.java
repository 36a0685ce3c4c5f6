package dev.gale.cli;

import dev.gale.arrow.NerScorer;
import dev.gale.encoder.TokenClassifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

@Command(name = "ner", mixinStandardHelpOptions = true,
        description = {"Tag the named entities of the text column of a table or the lines of a file with a "
                + "*ForTokenClassification checkpoint, as transformers' token-classification pipeline: N rows in, the same N "
                + "rows out, in order, with 'entities' (null for a null text).",
                "Each entity has 'entity_group', 'score', 'word', 'start', 'end' ('entity', 'score', 'index', 'word', 'start', "
                        + "'end' with --aggregation none), 'start' and 'end' in code points of the text, as Python counts them; "
                        + "tokens labelled O are left out.",
                "The output appears under its name only when complete."})
final class NerCommand implements Callable<Integer> {
    @Mixin
    TaskModelOptions model;
    @Mixin
    IoOptions io;
    @Mixin
    BatchOptions batch;

    @Option(names = "--aggregation", paramLabel = "<none|simple|first|average|max>", converter = AggregationConverter.class,
            description = "How tokens group into entities, as the pipeline's aggregation_strategy: none (one entity per "
                    + "token; the pipeline's default, and this one's), simple (adjacent tokens of one tag), first, average or "
                    + "max (whole words, labelled by their first token, the average of their tokens' scores, or their best token).")
    TokenClassifier.Aggregation aggregation = TokenClassifier.Aggregation.NONE;

    @Override
    public Integer call() throws Exception {
        var options = batch.options(io, model.runtime).build();
        try (TokenClassifier classifier = TokenClassifier.load(model.model, model.options(batch.maxBatchTokens))) {
            batch.run(new NerScorer(classifier, aggregation), io, options,
                    new Progress.Words("ner", "tagged", "null texts (null entities)"));
        }
        return Gale.OK;
    }

    static final class AggregationConverter implements picocli.CommandLine.ITypeConverter<TokenClassifier.Aggregation> {
        @Override
        public TokenClassifier.Aggregation convert(String value) {
            try {
                return TokenClassifier.Aggregation.of(value);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
