package dev.gemgate.adapter.web.gemini;

import dev.gemgate.adapter.web.TenantSurface;
import dev.gemgate.application.generation.CountTokens;
import dev.gemgate.application.generation.EmbedContent;
import dev.gemgate.application.generation.GenerateContent;
import dev.gemgate.application.generation.GetModel;
import dev.gemgate.application.generation.ListModels;
import dev.gemgate.application.generation.StreamGenerateContent;
import io.quarkus.virtual.threads.VirtualThreads;
import jakarta.ws.rs.Path;

import java.time.Clock;
import java.util.concurrent.ExecutorService;

/**
 * {@link GeminiResource} under {@code /v1} (the Java SDK 2.x's API version), every method inherited: a literal path
 * for each version instead of one regex path (see {@link GeminiResource} for why).
 */
@Path("/v1/models")
@TenantSurface
public class GeminiV1Resource extends GeminiResource {
    public GeminiV1Resource(GenerateContent generateContent, StreamGenerateContent streamGenerateContent,
                            EmbedContent embedContent, CountTokens countTokens, ListModels listModels,
                            GetModel getModel, GeminiBatchesResource batches,
                            @VirtualThreads ExecutorService virtualThreads, Clock clock) {
        super(generateContent, streamGenerateContent, embedContent, countTokens, listModels, getModel, batches,
                virtualThreads, clock);
    }
}
