package dev.gale.encoder.family;

import dev.gale.encoder.model.HfConfig;
import dev.gale.encoder.model.WeightMap;
import dev.gale.encoder.nn.Encoder;

import java.util.List;

/**
 * One Hugging Face architecture: reads its {@code config.json} fields and wires its weight names into the
 * shared modules of {@link dev.gale.encoder.nn}. It computes nothing: the backends interpret the result.
 */
public interface Family {

    /** The {@code model_type} values it reads ("roberta", "xlm-roberta", ...). */
    List<String> modelTypes();

    /**
     * The prefixes its task models put before the base model's weights ({@code RobertaForSequenceClassification}
     * saves {@code roberta.encoder...}); the loader strips the first one a checkpoint uses.
     */
    List<String> weightPrefixes(String modelType);

    /** The encoder of a checkpoint; refuses unsupported options with one line naming the file and field. */
    Encoder build(HfConfig config, WeightMap weights);
}
