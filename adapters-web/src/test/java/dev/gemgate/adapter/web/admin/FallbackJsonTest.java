package dev.gemgate.adapter.web.admin;

import dev.gemgate.application.upstream.GetFallbackPolicy;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.upstream.FallbackPolicy;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class FallbackJsonTest {
    private static final ModelId PRO = new ModelId("gemini-3.1-pro-preview");
    private static final ModelId FLASH = new ModelId("gemini-3.6-flash");
    private static final ModelId LITE = new ModelId("gemini-2.5-flash-lite");

    private static List<String> fields(String body) {
        return FallbackJson.policy(body).errors().stream().map(AdminProblem.FieldError::field).toList();
    }

    @Test
    void aValidBodyBecomesAPolicyWithChainsInOrderAndModelsWithOrWithoutTheirPrefix() {
        FallbackJson.PolicyInput input = FallbackJson.policy("{\"strict\":false,\"chains\":{"
                + "\"gemini-3.1-pro-preview\":[\"models/gemini-3.6-flash\",\"gemini-2.5-flash-lite\"],"
                + "\"models/gemini-3.6-flash\":[]}}");
        assertThat(input.errors()).isEmpty();
        assertThat(input.policy()).isEqualTo(new FallbackPolicy(false, Map.of(PRO, List.of(FLASH, LITE),
                FLASH, List.of())));
        assertThat(input.policy().chains().get(PRO)).containsExactly(FLASH, LITE);
        assertThat(FallbackJson.policy("{}").policy()).isEqualTo(FallbackPolicy.DEFAULT);
        assertThat(FallbackJson.policy("{\"strict\":true,\"chains\":null}").policy())
                .isEqualTo(new FallbackPolicy(true, Map.of()));
    }

    @Test
    void everyWrongFieldIsNamedInOneAnswer() {
        assertThat(fields("{\"strict\":\"yes\",\"colour\":1,\"chains\":{\"Not A Model\":[],"
                + "\"gemini-3.1-pro-preview\":[\"gemini-3.1-pro-preview\"],"
                + "\"gemini-3.6-flash\":[\"a\",\"b\",\"c\",\"d\",\"e\"],"
                + "\"gemini-2.5-flash\":[\"gemini-2.5-pro\",\"models/gemini-2.5-pro\"],"
                + "\"gemini-2.5-pro\":[\"ok\", 7, \"Bad!\"],"
                + "\"gemini-2.5-flash-lite\":\"gemini-3.6-flash\"}}"))
                .containsExactlyInAnyOrder("strict", "colour", "chains.Not A Model", "chains.gemini-3.1-pro-preview",
                        "chains.gemini-3.6-flash", "chains.gemini-2.5-flash", "chains.gemini-2.5-pro[1]",
                        "chains.gemini-2.5-pro[2]", "chains.gemini-2.5-flash-lite");
        assertThat(fields("{\"chains\":[]}")).containsExactly("chains");
        assertThat(fields("[]")).containsExactly("body");
        assertThat(fields("{\"chains\":{\"m\":[]},\"chains\":{}}")).containsExactly("body");
        assertThat(fields("{\"chains\":{\"gemini-3.6-flash\":[],\"models/gemini-3.6-flash\":[]}}"))
                .containsExactly("chains.gemini-3.6-flash");
    }

    @Test
    void tooManyModelsAndLongNamesAreRefusedWithoutEchoingThemWhole() {
        StringBuilder many = new StringBuilder("{\"chains\":{");
        for (int i = 0; i <= FallbackPolicy.MAX_MODELS; i++) {
            many.append(i == 0 ? "" : ",").append("\"m").append(i).append("\":[]");
        }
        assertThat(fields(many.append("}}").toString())).containsExactly("chains");
        String longName = "X".repeat(500);
        assertThat(fields("{\"chains\":{\"" + longName + "\":[]}}")).singleElement()
                .satisfies(f -> assertThat(f).hasSize("chains.".length() + 65).endsWith("…"));
    }

    @Test
    void theViewShowsStoredOrDefaultWithTheConfiguredChainsByName() {
        FallbackJson.View none = FallbackJson.View.of(new GetFallbackPolicy.Result(Optional.empty(),
                Map.of(PRO, List.of(FLASH))));
        assertThat(none).isEqualTo(new FallbackJson.View(false, false, Map.of(),
                Map.of("gemini-3.1-pro-preview", List.of("gemini-3.6-flash"))));
        FallbackJson.View own = FallbackJson.View.of(new GetFallbackPolicy.Result(
                Optional.of(new FallbackPolicy(true, Map.of(FLASH, List.of(LITE)))), Map.of()));
        assertThat(own).isEqualTo(new FallbackJson.View(true, true,
                Map.of("gemini-3.6-flash", List.of("gemini-2.5-flash-lite")), Map.of()));
    }
}
