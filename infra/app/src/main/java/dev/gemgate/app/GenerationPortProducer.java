package dev.gemgate.app;

import dev.gemgate.adapter.gemini.GenAiGenerationAdapter;
import dev.gemgate.adapter.gemini.GenAiSettings;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The upstream port ({@code GenerationPort}, among the bean's types) on Google's SDK; its clients (one per credential)
 * are closed at shutdown.
 */
public class GenerationPortProducer {
    @Produces
    @Singleton
    GenAiGenerationAdapter adapter(GemgateConfig config) {
        return new GenAiGenerationAdapter(GenAiSettings.defaults().withGeminiApiVersion(config.upstream().apiVersion()));
    }

    void close(@Disposes GenAiGenerationAdapter adapter) {
        adapter.close();
    }
}
