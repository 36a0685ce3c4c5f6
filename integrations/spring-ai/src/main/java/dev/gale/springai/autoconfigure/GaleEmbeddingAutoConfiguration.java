package dev.gale.springai.autoconfigure;

import dev.gale.springai.GaleSpringEmbeddingModel;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * A {@link GaleSpringEmbeddingModel} bean from the {@code gale.embedding.*} properties, unless the application has
 * an {@link EmbeddingModel} of its own, or Spring AI's {@code spring.ai.model.embedding} names another provider.
 */
@AutoConfiguration
@ConditionalOnProperty(name = "spring.ai.model.embedding", havingValue = "gale", matchIfMissing = true)
@EnableConfigurationProperties(GaleEmbeddingProperties.class)
public class GaleEmbeddingAutoConfiguration {

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean(EmbeddingModel.class)
    public GaleSpringEmbeddingModel galeEmbeddingModel(GaleEmbeddingProperties properties) {
        return GaleSpringEmbeddingModel.builder()
                .model(properties.model())
                .device(properties.device())
                .normalize(properties.normalize())
                .dimensions(properties.dimensions())
                .threads(properties.threads())
                .maxBatchTokens(properties.maxBatchTokens())
                .maxLength(properties.maxLength())
                .prompt(properties.prompt())
                .build();
    }
}
