package dev.gemgate.app;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AccessLogKeyRedactionTest {
    @Test
    void everyKeyParameterOfARequestLineIsRedactedAndNothingElse() {
        assertThat(AccessLogKeyRedaction.redact("\"POST /v1beta/models/m:streamGenerateContent?alt=sse&key=gmg_secret "
                + "HTTP/1.1\" 200")).isEqualTo("\"POST /v1beta/models/m:streamGenerateContent?alt=sse&key=REDACTED "
                + "HTTP/1.1\" 200");
        assertThat(AccessLogKeyRedaction.redact("GET /v1/models?KEY=gmg_secret&pageSize=5 HTTP/2"))
                .isEqualTo("GET /v1/models?KEY=REDACTED&pageSize=5 HTTP/2");
        assertThat(AccessLogKeyRedaction.redact("GET /v1/models?monkey=1&key=a%2Fb\" 200"))
                .isEqualTo("GET /v1/models?monkey=1&key=REDACTED\" 200");
    }

    @Test
    void aBareQueryStringIsRedactedToo() {
        assertThat(AccessLogKeyRedaction.redactQuery("key=gmg_secret&alt=sse")).isEqualTo("key=REDACTED&alt=sse");
        assertThat(AccessLogKeyRedaction.redactQuery("alt=sse&Key=gmg_secret")).isEqualTo("alt=sse&Key=REDACTED");
        assertThat(AccessLogKeyRedaction.redactQuery("hotkey=1")).isEqualTo("hotkey=1");
        assertThat(AccessLogKeyRedaction.redactQuery("upload_id=AbC-123_x&upload_protocol=resumable"))
                .isEqualTo("upload_id=REDACTED&upload_protocol=resumable");
        assertThat(AccessLogKeyRedaction.redact("POST /upload/v1beta/files?upload_id=AbC-123_x&upload_protocol="
                + "resumable HTTP/1.1")).isEqualTo("POST /upload/v1beta/files?upload_id=REDACTED&upload_protocol="
                + "resumable HTTP/1.1");
    }
}
