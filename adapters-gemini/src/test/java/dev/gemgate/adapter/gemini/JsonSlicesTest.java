package dev.gemgate.adapter.gemini;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class JsonSlicesTest {
    @Test
    void elementsComeBackAsTheExactTextTheyHaveInTheDocument() {
        String json = "{ \"other\": {\"embeddings\": [1]}, \"embeddings\" : [ {\"values\":[1e-400, -0, 1.50]} ,"
                + "{\"values\":[],\"x\":\"a ] } \\\" b\"}, [1, [2]], \"s\\\"]\", 12.5e3 ] }";

        assertThat(JsonSlices.arrayElements(json, "embeddings")).contains(List.of(
                "{\"values\":[1e-400, -0, 1.50]}", "{\"values\":[],\"x\":\"a ] } \\\" b\"}", "[1, [2]]",
                "\"s\\\"]\"", "12.5e3"));
    }

    @Test
    void theLastOfARepeatedFieldCountsAndAnythingElseIsEmpty() {
        assertThat(JsonSlices.arrayElements("{\"a\":[1],\"a\":[2,3]}", "a")).contains(List.of("2", "3"));
        assertThat(JsonSlices.arrayElements("{\"a\":[1],\"a\":{}}", "a")).isEmpty();
        assertThat(JsonSlices.arrayElements("{\"a\":[]}", "a")).contains(List.of());
        assertThat(JsonSlices.arrayElements("{\"b\":[1]}", "a")).isEmpty();
        assertThat(JsonSlices.arrayElements("[1]", "a")).isEmpty();
        assertThat(JsonSlices.arrayElements("{\"a\":[1,", "a")).isEmpty();
        assertThat(JsonSlices.arrayElements("{\"a\":[1]} trailing", "a")).isEmpty();
        assertThat(JsonSlices.arrayElements("", "a")).isEmpty();
    }
}
