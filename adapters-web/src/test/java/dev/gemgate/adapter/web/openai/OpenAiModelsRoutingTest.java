package dev.gemgate.adapter.web.openai;

import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.gemgate.adapter.web.openai.OpenAiModelsRouting.authenticatesTheOpenAiWay;
import static org.assertj.core.api.Assertions.assertThat;

class OpenAiModelsRoutingTest {
    @Test
    void aBearerTokenAloneIsOpenAisWay() {
        assertThat(authenticatesTheOpenAiWay(null, false, List.of("Bearer gmg_k"))).isTrue();
        assertThat(authenticatesTheOpenAiWay(List.of(), false, List.of("bearer gmg_k"))).isTrue();
    }

    @Test
    void googlesKeyHeaderOrQueryKeepsTheGeminiSurfaceEvenWithABearerToken() {
        assertThat(authenticatesTheOpenAiWay(List.of("gmg_k"), false, null)).isFalse();
        assertThat(authenticatesTheOpenAiWay(null, true, null)).isFalse();
        assertThat(authenticatesTheOpenAiWay(List.of("gmg_k"), false, List.of("Bearer gmg_k"))).isFalse();
        assertThat(authenticatesTheOpenAiWay(null, true, List.of("Bearer gmg_k"))).isFalse();
    }

    @Test
    void noKeyOrAnotherSchemeStaysWithTheGeminiSurface() {
        assertThat(authenticatesTheOpenAiWay(null, false, null)).isFalse();
        assertThat(authenticatesTheOpenAiWay(null, false, List.of("Basic dXNlcjpwYXNz"))).isFalse();
    }
}
