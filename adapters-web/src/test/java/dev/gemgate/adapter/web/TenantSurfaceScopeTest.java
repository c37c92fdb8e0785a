package dev.gemgate.adapter.web;

import dev.gemgate.domain.tenant.ApiSurface;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TenantSurfaceScopeTest {
    @Test
    void embeddingAndBatchCallsCountAsTheirOwnSurface() {
        assertThat(TenantAuthenticationFilter.surfaceOf(ApiSurface.GEMINI, "/v1beta/models/gemini-2.5-flash:generateContent"))
                .isEqualTo(ApiSurface.GEMINI);
        assertThat(TenantAuthenticationFilter.surfaceOf(ApiSurface.GEMINI, "/v1beta/models"))
                .isEqualTo(ApiSurface.GEMINI);
        assertThat(TenantAuthenticationFilter.surfaceOf(ApiSurface.GEMINI,
                "/v1beta/models/gemini-embedding-001:embedContent")).isEqualTo(ApiSurface.EMBEDDINGS);
        assertThat(TenantAuthenticationFilter.surfaceOf(ApiSurface.GEMINI,
                "/v1beta/models/gemini-embedding-001:batchEmbedContents")).isEqualTo(ApiSurface.EMBEDDINGS);
        assertThat(TenantAuthenticationFilter.surfaceOf(ApiSurface.GEMINI,
                "/v1beta/models/gemini-2.5-flash:batchGenerateContent")).isEqualTo(ApiSurface.BATCH);
        assertThat(TenantAuthenticationFilter.surfaceOf(ApiSurface.GEMINI,
                "/v1beta/models/gemini-embedding-001:asyncBatchEmbedContent")).isEqualTo(ApiSurface.BATCH);
        assertThat(TenantAuthenticationFilter.surfaceOf(ApiSurface.BATCH, "/v1beta/batches/abc:cancel"))
                .isEqualTo(ApiSurface.BATCH);
        assertThat(TenantAuthenticationFilter.surfaceOf(ApiSurface.OPENAI, "/v1/chat/completions"))
                .isEqualTo(ApiSurface.OPENAI);
        assertThat(TenantAuthenticationFilter.surfaceOf(ApiSurface.OPENAI, "/v1/embeddings"))
                .isEqualTo(ApiSurface.EMBEDDINGS);
    }
}
