package dev.gemgate.adapter.web.openai;

import dev.gemgate.domain.common.NotFoundException;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.generation.ModelInfo;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * OpenAI's model objects for the models a caller may use, as Google's OpenAI-compatible layer writes them: the id is
 * the Gemini resource name ({@code models/gemini-2.5-flash}), {@code owned_by} is {@code google}. {@code created} is
 * required by OpenAI's SDKs but Google's model list has no creation time: it is 0. Both {@code gemini-2.5-flash} and
 * {@code models/gemini-2.5-flash} are accepted on input.
 */
public final class OpenAiModelsJson {
    private OpenAiModelsJson() {
    }

    /** {@code {"object":"list","data":[model, ...]}}. */
    public static Map<String, Object> list(List<ModelInfo> models) {
        Map<String, Object> list = new LinkedHashMap<>();
        list.put("object", "list");
        list.put("data", models.stream().map(OpenAiModelsJson::model).toList());
        return list;
    }

    /** {@code {"id":"models/m","object":"model","created":0,"owned_by":"google"}}. */
    public static Map<String, Object> model(ModelInfo model) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", model.id().resourceName());
        json.put("object", "model");
        json.put("created", 0);
        json.put("owned_by", "google");
        return json;
    }

    /** The model a path names, with or without {@code models/}; a name no model can have is not found. */
    public static ModelId modelId(String text) {
        if (!ModelId.isValid(text)) {
            throw new NotFoundException("The model '" + text + "' does not exist: not a valid model name.");
        }
        return ModelId.parse(text);
    }
}
