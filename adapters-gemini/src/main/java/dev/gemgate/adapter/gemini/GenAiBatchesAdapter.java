package dev.gemgate.adapter.gemini;

import com.google.genai.ApiResponse;
import dev.gemgate.domain.common.UpstreamException;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.resource.BatchOperation;
import dev.gemgate.domain.resource.BatchesPort;
import dev.gemgate.domain.resource.UpstreamResourceName;
import dev.gemgate.domain.upstream.UpstreamCredential;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * {@link BatchesPort} on the google-genai SDK's own HTTP client without its typed model ({@code HttpApiClient.request},
 * as the generation adapter's hot path): the SDK adds the key, base URL, API version and client headers and raises its
 * typed exceptions for error replies; bodies go out as the caller's JSON text and Google's Operation comes back as the
 * tree it sent, so fields the SDK does not know (or renames) pass through. Every call is bounded by an
 * {@link UpstreamCallGuard}; failures are translated by {@link UpstreamErrors} (Google's 404 for a missing job is
 * {@code NOT_FOUND}). The Batch API is the Gemini Developer API's: a Vertex AI credential is refused.
 */
public final class GenAiBatchesAdapter implements BatchesPort {
    private final GenAiClients clients;
    private final JsonBodies json = new JsonBodies();

    /** Shares the SDK clients (and their transport) of {@code generation}, which owns and closes them. */
    public GenAiBatchesAdapter(GenAiGenerationAdapter generation) {
        this.clients = Objects.requireNonNull(generation, "generation").clients();
    }

    @Override
    public BatchOperation create(ModelId model, Method method, String body, UpstreamCredential credential,
                                 Duration timeout) {
        return new BatchOperation(json.parseObject(call(credential, "post",
                model.resourceName() + ":" + method.wireName(), body, timeout)));
    }

    @Override
    public BatchOperation get(UpstreamResourceName batch, UpstreamCredential credential, Duration timeout) {
        return new BatchOperation(json.parseObject(call(credential, "get", batch.value(), "", timeout)));
    }

    @Override
    public void cancel(UpstreamResourceName batch, UpstreamCredential credential, Duration timeout) {
        call(credential, "post", batch.value() + ":cancel", "{}", timeout);
    }

    @Override
    public void delete(UpstreamResourceName batch, UpstreamCredential credential, Duration timeout) {
        call(credential, "delete", batch.value(), "", timeout);
    }

    @Override
    public void readResults(UpstreamResourceName file, UpstreamCredential credential, Duration timeout,
                            Consumer<Map<String, Object>> line) {
        requireApiKey(credential);
        try (UpstreamCallGuard guard = UpstreamCallGuard.open(timeout)) {
            try (ApiResponse response = clients.rawClientFor(credential).request("get",
                    file.value() + ":download?alt=media", "", Optional.empty());
                 BufferedReader lines = new BufferedReader(new InputStreamReader(response.getBody().byteStream(),
                         StandardCharsets.UTF_8))) {
                for (String text = lines.readLine(); text != null; text = lines.readLine()) {
                    guard.touch();
                    if (text.isBlank()) {
                        continue;
                    }
                    Map<String, Object> object;
                    try {
                        object = json.parseObject(text);
                    } catch (UpstreamException notAnObject) {
                        continue;
                    }
                    line.accept(object);
                }
            } catch (IOException | RuntimeException e) {
                throw UpstreamErrors.translate(e, credential.secret(), guard);
            }
        }
    }

    private String call(UpstreamCredential credential, String method, String path, String body, Duration timeout) {
        requireApiKey(credential);
        try (UpstreamCallGuard guard = UpstreamCallGuard.open(timeout)) {
            try (ApiResponse response = clients.rawClientFor(credential).request(method, path, body,
                    Optional.empty())) {
                return response.getBody().string();
            } catch (IOException | RuntimeException e) {
                throw UpstreamErrors.translate(e, credential.secret(), guard);
            }
        }
    }

    private static void requireApiKey(UpstreamCredential credential) {
        if (credential.mode() != UpstreamCredential.Mode.GEMINI_API_KEY) {
            throw new UpstreamException(UpstreamException.Kind.INVALID_REQUEST, 400, "The Batch API of the Gemini "
                    + "Developer API needs an API-key credential; this upstream credential is for Vertex AI.");
        }
    }
}
