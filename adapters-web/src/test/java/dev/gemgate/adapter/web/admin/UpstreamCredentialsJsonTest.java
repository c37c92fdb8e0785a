package dev.gemgate.adapter.web.admin;

import dev.gemgate.domain.upstream.UpstreamCredential;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class UpstreamCredentialsJsonTest {
    private static final String KEY = "AIzaSyPlainSecretForTheJsonTest0123";

    private static List<AdminProblem.FieldError> errors(String body) {
        return UpstreamCredentialsJson.credential(body).errors();
    }

    @Test
    void anApiKeyAndAVertexProjectBecomeSpecs() {
        UpstreamCredentialsJson.CredentialInput key = UpstreamCredentialsJson.credential("{\"id\":\"k-2\","
                + "\"mode\":\"GEMINI_API_KEY\",\"apiKey\":\"" + KEY + "\",\"weight\":3,"
                + "\"baseUrl\":\"http://localhost:8089\"}");
        assertThat(key.errors()).isEmpty();
        assertThat(key.spec().secret()).isEqualTo(KEY);
        assertThat(key.spec().weight()).isEqualTo(3);
        assertThat(key.spec().baseUrl()).contains("http://localhost:8089");

        UpstreamCredentialsJson.CredentialInput vertex = UpstreamCredentialsJson.credential("{\"id\":\"v\","
                + "\"mode\":\"vertex_ai\",\"serviceAccountJson\":{\"type\":\"service_account\"},"
                + "\"vertexProject\":\"my-project\",\"vertexLocation\":\"us-central1\"}");
        assertThat(vertex.errors()).isEmpty();
        assertThat(vertex.spec().mode()).isEqualTo(UpstreamCredential.Mode.VERTEX_AI);
        assertThat(vertex.spec().secret()).isEqualTo("{\"type\":\"service_account\"}");
        assertThat(vertex.spec().weight()).isEqualTo(1);
    }

    @Test
    void everyBadFieldIsNamedAndNoErrorQuotesTheSecret() {
        List<AdminProblem.FieldError> errors = errors("{\"id\":\"bad id\",\"mode\":\"GEMINI_API_KEY\","
                + "\"apiKey\":\"" + KEY + "\\n\",\"weight\":0,\"baseUrl\":\"ftp://x\",\"colour\":\"red\","
                + "\"serviceAccountJson\":\"{}\"}");
        assertThat(errors).extracting(AdminProblem.FieldError::field).containsExactlyInAnyOrder("colour", "id",
                "apiKey", "weight", "baseUrl", "serviceAccountJson");
        assertThat(errors).allSatisfy(e -> assertThat(e.message()).doesNotContain(KEY));
        assertThat(errors("{\"id\":\"v\",\"mode\":\"VERTEX_AI\",\"serviceAccountJson\":\"{}\"}"))
                .extracting(AdminProblem.FieldError::field).containsExactlyInAnyOrder("vertexProject",
                        "vertexLocation");
        assertThat(errors("{\"id\":\"x\"}")).extracting(AdminProblem.FieldError::field).containsExactly("mode");
        assertThat(errors("[\"" + KEY + "\"]")).singleElement().satisfies(e -> assertThat(e.field()).isEqualTo("body"));
        assertThat(errors("{\"apiKey\":\"" + KEY)).singleElement()
                .satisfies(e -> assertThat(e.message()).doesNotContain(KEY));
    }

    @Test
    void aWeightBodyIsOneWholeNumberInRange() {
        assertThat(UpstreamCredentialsJson.weightBody("{\"weight\":1000}").weight()).isEqualTo(1000);
        for (String bad : new String[] {"{\"weight\":1001}", "{\"weight\":1.5}", "{\"weight\":\"5\"}", "{}",
                "{\"weight\":5,\"status\":\"ACTIVE\"}"}) {
            assertThat(UpstreamCredentialsJson.weightBody(bad).errors()).as(bad).isNotEmpty();
        }
    }
}
