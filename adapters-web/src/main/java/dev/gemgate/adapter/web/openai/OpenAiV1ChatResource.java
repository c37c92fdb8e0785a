package dev.gemgate.adapter.web.openai;

import dev.gemgate.adapter.web.TenantSurface;
import dev.gemgate.application.generation.GenerateContent;
import dev.gemgate.application.generation.StreamGenerateContent;
import dev.gemgate.domain.tenant.ApiSurface;
import io.quarkus.virtual.threads.VirtualThreads;
import jakarta.ws.rs.Path;

import java.time.Clock;
import java.util.concurrent.ExecutorService;

/**
 * {@link OpenAiChatResource} under OpenAI's own layout ({@code /v1/chat/completions}, for clients whose base URL is
 * Gemgate's {@code /v1}), every method inherited: a literal path for each layout instead of one regex path, which the
 * request mapper would run on every request (issue 21's profile 2).
 */
@Path("/v1/chat/completions")
@TenantSurface(ApiSurface.OPENAI)
public class OpenAiV1ChatResource extends OpenAiChatResource {
    public OpenAiV1ChatResource(GenerateContent generateContent, StreamGenerateContent streamGenerateContent,
                                OpenAiSettings settings, @VirtualThreads ExecutorService virtualThreads, Clock clock) {
        super(generateContent, streamGenerateContent, settings, virtualThreads, clock);
    }
}
