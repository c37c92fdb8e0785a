package dev.gemgate.domain.resource;

import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.common.PermissionDeniedException;
import dev.gemgate.domain.generation.GenerationRequest;
import dev.gemgate.domain.generation.ModelId;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ResourceReferencesTest {
    private static final ModelId MODEL = ModelId.parse("gemini-2.5-flash");

    private static GenerationRequest request(Object cachedContent, String... fileUris) {
        List<Object> parts = new java.util.ArrayList<>();
        parts.add(Map.of("text", "Describe"));
        for (String uri : fileUris) {
            parts.add(Map.of("fileData", Map.of("mimeType", "video/mp4", "fileUri", uri)));
        }
        Map<String, Object> body = new HashMap<>();
        body.put("contents", List.of(Map.of("role", "user", "parts", parts)));
        body.put("systemInstruction", Map.of("parts", List.of(Map.of("fileData", Map.of("mimeType", "text/plain",
                "fileUri", "https://generativelanguage.googleapis.com/v1/files/sys1")))));
        if (cachedContent != null) {
            body.put("cachedContent", cachedContent);
        }
        return new GenerationRequest(MODEL, body);
    }

    @Test
    void googleFileUrisOfAnyHostAndVersionAndBareNamesAreReferencesOtherUrisAreNot() {
        GenerationRequest request = request("cachedContents/c1",
                "https://generativelanguage.googleapis.com/v1beta/files/abc123",
                "http://127.0.0.1:9999/v1alpha/files/def456", "files/ghi789",
                "https://www.youtube.com/watch?v=9hE5-98ZeCg", "gs://bucket/files/x", "https://example.com/cat.png",
                "https://generativelanguage.googleapis.com/v1beta/files/abc123");

        assertThat(ResourceReferences.in(request)).extracting(UpstreamResourceName::value).containsExactly(
                "files/abc123", "files/def456", "files/ghi789", "files/sys1", "cachedContents/c1");
    }

    @Test
    void aBareCacheIdIsTakenAsItsNameAndAMalformedReferenceIsRefusedAsAMissingOne() {
        assertThat(ResourceReferences.cachedContent(request("c2"))).map(UpstreamResourceName::value)
                .contains("cachedContents/c2");
        assertThatThrownBy(() -> ResourceReferences.in(request("cachedContents/a/b")))
                .isInstanceOf(PermissionDeniedException.class)
                .hasMessage("CachedContent not found (or permission denied)");
        assertThatThrownBy(() -> ResourceReferences.in(request(null, "files/a.b")))
                .isInstanceOf(PermissionDeniedException.class)
                .hasMessage("You do not have permission to access the File a.b or it may not exist.");
        assertThatThrownBy(() -> ResourceReferences.in(request(42)))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("cachedContent");
    }
}
