package dev.gemgate.adapter.web;

import dev.gemgate.domain.common.InvalidRequestException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TenantKeysTest {
    private static List<String> one(String value) {
        return value == null ? null : List.of(value);
    }

    @Test
    void theKeyComesFromTheHeaderTheQueryOrABearerToken() {
        assertThat(TenantKeys.extract(one("k"), null, null)).hasValue("k");
        assertThat(TenantKeys.extract(null, one("q"), null)).hasValue("q");
        assertThat(TenantKeys.extract(one(" "), null, one("bearer  b "))).hasValue("b");
        assertThat(TenantKeys.extract(null, null, one("Basic abc"))).isEmpty();
        assertThat(TenantKeys.extract(null, null, one("Bearer "))).isEmpty();
        assertThat(TenantKeys.extract(List.of(), List.of(), List.of())).isEmpty();
    }

    @Test
    void theSameKeyInTwoPlacesIsOne() {
        assertThat(TenantKeys.extract(one("k"), one("k"), one("Bearer k"))).hasValue("k");
    }

    @Test
    void twoHeadersOrTwoDifferentKeysAreRefusedAsAmbiguous() {
        assertThatThrownBy(() -> TenantKeys.extract(List.of("a", "b"), null, null))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("more than one x-goog-api-key");
        assertThatThrownBy(() -> TenantKeys.extract(List.of("a", "a"), null, null))
                .isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> TenantKeys.extract(one("a"), one("b"), null))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("different API keys")
                .hasMessageNotContaining("a,").hasMessageNotContaining("b.");
        assertThatThrownBy(() -> TenantKeys.extract(null, List.of("a", "b"), null))
                .isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> TenantKeys.extract(one("a"), null, one("Bearer b")))
                .isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> TenantKeys.extract(null, null, List.of("Bearer a", "Bearer a")))
                .isInstanceOf(InvalidRequestException.class);
    }
}
