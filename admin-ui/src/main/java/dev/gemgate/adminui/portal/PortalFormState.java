package dev.gemgate.adminui.portal;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A form as the page shows it: the value of each field (what was sent, or what is stored) and the error of each field
 * that was refused, shown next to it ({@code <p class="field-error" id="<id>-error">}).
 */
public record PortalFormState(Map<String, String> values, Map<String, String> errors) {
    public PortalFormState {
        values = new LinkedHashMap<>(values);
        errors = new LinkedHashMap<>(errors);
    }

    public static PortalFormState empty() {
        return new PortalFormState(Map.of(), Map.of());
    }

    public String value(String field) {
        return values.getOrDefault(field, "");
    }

    /** The error of {@code field}, or null. */
    public String error(String field) {
        return errors.get(field);
    }

    public boolean invalid(String field) {
        return errors.containsKey(field);
    }

    public boolean hasErrors() {
        return !errors.isEmpty();
    }

    public boolean is(String field, String value) {
        return value(field).equals(value);
    }
}
