package dev.gemgate.app;

import dev.gemgate.adapter.gemini.GenAiGenerationAdapter;
import dev.gemgate.adapter.gemini.GenAiSettings;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Singleton;

/**
 * The upstream port ({@code GenerationPort}) on Google's SDK, counted by {@link UpstreamCallsInFlight} so that a
 * shutdown waits for the calls in progress; the SDK clients (one per credential) are closed when the beans are
 * destroyed, after that wait ({@link GracefulShutdown}).
 */
public class GenerationPortProducer {
    @Produces
    @Singleton
    @Typed(GenAiGenerationAdapter.class)
    GenAiGenerationAdapter adapter(GemgateConfig config) {
        return new GenAiGenerationAdapter(GenAiSettings.defaults().withGeminiApiVersion(config.upstream().apiVersion()));
    }

    @Produces
    @Singleton
    UpstreamCallsInFlight upstream(GenAiGenerationAdapter adapter) {
        return new UpstreamCallsInFlight(adapter);
    }

    void close(@Disposes GenAiGenerationAdapter adapter) {
        adapter.close();
    }
}
