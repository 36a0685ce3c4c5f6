package dev.gale.encoder.family;

import dev.gale.encoder.model.HfConfig;
import dev.gale.encoder.model.WeightMap;
import dev.gale.encoder.nn.Encoder;
import dev.gale.encoder.nn.TaskHeads;

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

    /**
     * The task heads of a checkpoint whose base model is {@code encoder}: the one its {@code architectures}
     * names, wired from the weights (names with the task prefix stripped, as {@link #build} sees them).
     */
    default TaskHeads heads(HfConfig config, WeightMap weights, Encoder encoder) {
        HeadWiring.Task task = HeadWiring.task(config);
        if (task == HeadWiring.Task.NONE) {
            return HeadWiring.of(config, task, null, null, null);
        }
        return TaskHeads.none(config.source() + ": Gale has no " + HeadWiring.architecture(config) + " head for model_type '"
                + config.modelType() + "'");
    }
}
