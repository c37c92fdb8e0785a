package dev.gemgate.adapter.gemini;

import dev.gemgate.domain.common.UpstreamException;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.resource.CachedContent;
import dev.gemgate.domain.resource.ResourceKind;
import dev.gemgate.domain.resource.UpstreamResourceName;
import dev.gemgate.domain.upstream.UpstreamCredential;
import dev.gemgate.domain.upstream.UpstreamCredentialId;
import dev.gemgate.emulator.EmulatorConfig;
import dev.gemgate.emulator.GeminiEmulator;
import dev.gemgate.emulator.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The cachedContents adapter against the Gemini emulator over real HTTP, through the SDK's raw client. */
class GenAiCachedContentsAdapterTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** Over the 1,024-token minimum of the Flash models. */
    private static final String BODY = "{\"model\":\"models/gemini-2.5-flash\",\"contents\":[{\"role\":\"user\","
            + "\"parts\":[{\"text\":\"" + "lorem ipsum dolor sit amet ".repeat(300) + "\"}]}],\"ttl\":\"600s\","
            + "\"displayName\":\"doc\"}";

    private static GeminiEmulator emulator;
    private static GenAiCachedContentsAdapter adapter;
    private static UpstreamCredential credential;

    @BeforeAll
    static void start() {
        emulator = GeminiEmulator.start(EmulatorConfig.builder().recordRequests(true).build());
        adapter = new GenAiCachedContentsAdapter(GenAiSettings.defaults().withPoolShards(1));
        credential = UpstreamCredential.apiKey(new UpstreamCredentialId("primary"), "test-key-123",
                Optional.of(emulator.baseUrl()));
    }

    @AfterAll
    static void stop() {
        adapter.close();
        emulator.close();
    }

    @BeforeEach
    void reset() {
        emulator.faults().clear();
        emulator.clearRecordedRequests();
    }

    @Test
    void createGetPatchAndDeleteGoUpstreamAsWrittenAndComeBackAsGoogleWroteThem() {
        CachedContent created = adapter.create(credential, BODY, TIMEOUT);
        assertThat(created.name().value()).startsWith("cachedContents/");
        assertThat(created.model()).isEqualTo(new ModelId("gemini-2.5-flash"));
        assertThat(created.totalTokens()).isGreaterThan(1_024);
        assertThat(created.createTime()).isPresent();
        assertThat(created.expireTime()).isEqualTo(created.createTime().get().plusSeconds(600));
        assertThat(created.json()).contains("\"usageMetadata\":{\"totalTokenCount\":" + created.totalTokens() + "}");

        CachedContent read = adapter.get(credential, created.name(), TIMEOUT);
        assertThat(read.json()).isEqualTo(created.json());
        CachedContent patched = adapter.update(credential, created.name(), "{\"ttl\":\"60s\"}", TIMEOUT);
        assertThat(patched.expireTime()).isBefore(created.expireTime());
        adapter.delete(credential, created.name(), TIMEOUT);

        List<RecordedRequest> requests = emulator.recordedRequests();
        assertThat(requests).extracting(r -> r.method() + " " + r.path()).containsExactly(
                "POST /v1beta/cachedContents", "GET /v1beta/" + created.name(), "PATCH /v1beta/" + created.name(),
                "DELETE /v1beta/" + created.name());
        assertThat(requests.getFirst().body()).isEqualTo(BODY);
        assertThat(requests.get(2).body()).isEqualTo("{\"ttl\":\"60s\"}");
        assertThat(requests).allSatisfy(r -> assertThat(r.apiKey()).isEqualTo("test-key-123"));
    }

    @Test
    void aCacheGoogleNoLongerHasIsNotFoundNotARejectedCredential() {
        UpstreamResourceName gone = UpstreamResourceName.of(ResourceKind.CACHED_CONTENT, "doesnotexist123");
        for (Runnable call : List.<Runnable>of(() -> adapter.get(credential, gone, TIMEOUT),
                () -> adapter.update(credential, gone, "{\"ttl\":\"60s\"}", TIMEOUT),
                () -> adapter.delete(credential, gone, TIMEOUT))) {
            assertThatThrownBy(call::run).isInstanceOfSatisfying(UpstreamException.class,
                    e -> assertThat(e.kind()).isEqualTo(UpstreamException.Kind.NOT_FOUND));
        }
    }

    @Test
    void aSuspendedKeyStaysACredentialProblem() {
        CachedContent created = adapter.create(credential, BODY, TIMEOUT);
        emulator.faults().reject(1, 403);
        assertThatThrownBy(() -> adapter.get(credential, created.name(), TIMEOUT))
                .isInstanceOfSatisfying(UpstreamException.class,
                        e -> assertThat(e.kind()).isEqualTo(UpstreamException.Kind.CREDENTIAL_REJECTED));
        assertThatThrownBy(() -> adapter.create(credential, "{\"model\":\"models/gemini-2.5-flash\","
                + "\"contents\":[{\"parts\":[{\"text\":\"too small\"}]}]}", TIMEOUT))
                .isInstanceOfSatisfying(UpstreamException.class, e -> {
                    assertThat(e.kind()).isEqualTo(UpstreamException.Kind.INVALID_REQUEST);
                    assertThat(e.getMessage()).contains("Cached content is too small");
                });
    }
}
