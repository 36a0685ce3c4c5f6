package dev.gale.springai.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gale.springai.GaleSpringEmbeddingModel;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.springframework.ai.document.Document;
import org.springframework.ai.embedding.Embedding;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.embedding.EmbeddingRequest;
import org.springframework.ai.embedding.EmbeddingResponse;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The auto-configuration in a Spring context, as Spring Boot starts it. */
class GaleEmbeddingAutoConfigurationTest {
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(GaleEmbeddingAutoConfiguration.class));

    @Test
    void isListedForSpringBoot() {
        List<String> candidates = ImportCandidates.load(AutoConfiguration.class, getClass().getClassLoader()).getCandidates();
        assertThat(candidates).contains(GaleEmbeddingAutoConfiguration.class.getName());
    }

    @Test
    void makesTheBeanFromProperties() {
        runner.withPropertyValues("gale.embedding.model=all-minilm-l6-v2", "gale.embedding.dimensions=128",
                        "gale.embedding.normalize=true", "gale.embedding.device=cpu")
                .run(context -> {
                    assertThat(context).hasSingleBean(EmbeddingModel.class);
                    EmbeddingModel bean = context.getBean(EmbeddingModel.class);
                    assertThat(bean).isInstanceOf(GaleSpringEmbeddingModel.class);
                    assertThat(bean.dimensions()).isEqualTo(128);
                    String text = "The quick brown fox jumps over the lazy dog.";
                    try (dev.gale.encoder.EmbeddingModel gale = dev.gale.encoder.EmbeddingModel.load("all-minilm-l6-v2",
                            new dev.gale.encoder.EmbeddingModel.Options(null, true, 128, 0, 0, 0, "cpu"))) {
                        float[] actual = bean.embed(text);
                        assertThat(actual).hasSize(128);
                        assertThat(actual).containsExactly(gale.embed(text), Offset.offset(1e-6f));
                    }
                });
    }

    @Test
    void defaultsToAllMiniLmL6V2() {
        runner.run(context -> {
            GaleSpringEmbeddingModel bean = context.getBean(GaleSpringEmbeddingModel.class);
            assertThat(bean.modelName()).isEqualTo("all-minilm-l6-v2");
            assertThat(bean.dimensions()).isEqualTo(384);
        });
    }

    @Test
    void backsOffForTheApplicationsOwnEmbeddingModel() {
        runner.withBean(EmbeddingModel.class, FixedEmbeddingModel::new)
                .run(context -> {
                    assertThat(context).hasSingleBean(EmbeddingModel.class);
                    assertThat(context).doesNotHaveBean(GaleSpringEmbeddingModel.class);
                });
    }

    @Test
    void backsOffWhenSpringAiChoosesAnotherProvider() {
        runner.withPropertyValues("spring.ai.model.embedding=openai")
                .run(context -> assertThat(context).doesNotHaveBean(EmbeddingModel.class));
        runner.withPropertyValues("spring.ai.model.embedding=gale")
                .run(context -> assertThat(context).hasSingleBean(GaleSpringEmbeddingModel.class));
    }

    @Test
    void aMissingModelFailsTheContextNamingIt() {
        runner.withPropertyValues("gale.embedding.model=/nonexistent/model-dir")
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("/nonexistent/model-dir");
                });
    }

    /** An application's own EmbeddingModel. */
    static final class FixedEmbeddingModel implements EmbeddingModel {
        @Override
        public EmbeddingResponse call(EmbeddingRequest request) {
            return new EmbeddingResponse(List.of(new Embedding(new float[]{1}, 0)));
        }

        @Override
        public float[] embed(Document document) {
            return new float[]{1};
        }
    }
}
