package dev.gemgate.domain.tenant;

import dev.gemgate.domain.generation.ModelId;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a key may do, checked before any quota or upstream work. Each of the three dimensions is an allow-list, and an
 * empty list means "no restriction" on that dimension (a key that may do nothing is a revoked key, not a scope):
 * <ul>
 *   <li>{@code models}: exact names or prefixes ({@link ModelPattern}), checked when a request names its model;</li>
 *   <li>{@code surfaces}: the API surfaces ({@link ApiSurface}), checked at authentication;</li>
 *   <li>{@code addresses}: CIDR blocks the client's address must fall in, checked at authentication.</li>
 * </ul>
 * Lists are kept in the order given, without duplicates, and bounded ({@link #MAX_ENTRIES} each).
 */
public record KeyScopes(List<ModelPattern> models, Set<ApiSurface> surfaces, List<AddressRange> addresses) {
    public static final int MAX_ENTRIES = 100;
    public static final KeyScopes UNRESTRICTED = new KeyScopes(List.of(), Set.of(), List.of());

    public KeyScopes {
        if (models == null || surfaces == null || addresses == null) {
            throw new IllegalArgumentException("scope lists are required (empty means unrestricted)");
        }
        if (models.size() > MAX_ENTRIES || addresses.size() > MAX_ENTRIES) {
            throw new IllegalArgumentException("a scope lists at most " + MAX_ENTRIES + " models and "
                    + MAX_ENTRIES + " address ranges");
        }
        models = List.copyOf(new LinkedHashSet<>(models));
        surfaces = surfaces.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(surfaces));
        addresses = List.copyOf(new LinkedHashSet<>(addresses));
    }

    /**
     * Builds scopes from their text forms (what an admin sends and the database stores), refusing with one
     * {@link IllegalArgumentException} whose message names every bad entry.
     */
    public static KeyScopes parse(Collection<String> models, Collection<String> surfaces, Collection<String> addresses) {
        List<String> errors = new ArrayList<>();
        List<ModelPattern> m = new ArrayList<>();
        for (String text : models == null ? List.<String>of() : models) {
            try {
                m.add(new ModelPattern(text));
            } catch (IllegalArgumentException e) {
                errors.add("models: " + e.getMessage());
            }
        }
        Set<ApiSurface> s = EnumSet.noneOf(ApiSurface.class);
        for (String text : surfaces == null ? List.<String>of() : surfaces) {
            try {
                s.add(ApiSurface.valueOf(text == null ? "" : text.strip().toUpperCase(java.util.Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                errors.add("surfaces: '" + text + "' is not one of " + List.of(ApiSurface.values()));
            }
        }
        List<AddressRange> a = new ArrayList<>();
        for (String text : addresses == null ? List.<String>of() : addresses) {
            try {
                a.add(AddressRange.parse(text));
            } catch (IllegalArgumentException e) {
                errors.add("addresses: " + e.getMessage());
            }
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", errors));
        }
        return new KeyScopes(m, s, a);
    }

    public boolean isUnrestricted() {
        return models.isEmpty() && surfaces.isEmpty() && addresses.isEmpty();
    }

    public boolean permitsModel(ModelId model) {
        return models.isEmpty() || models.stream().anyMatch(p -> p.matches(model));
    }

    public boolean permitsSurface(ApiSurface surface) {
        return surfaces.isEmpty() || surfaces.contains(surface);
    }

    /** Whether a client at {@code address} (an IP literal) may use the key; an unreadable address never may. */
    public boolean permitsAddress(String address) {
        if (addresses.isEmpty()) {
            return true;
        }
        return AddressRange.literal(address).map(bytes -> addresses.stream().anyMatch(r -> r.contains(bytes)))
                .orElse(false);
    }

    public List<String> modelTexts() {
        return models.stream().map(ModelPattern::value).toList();
    }

    /** In the enum's order, so that equal scopes print alike. */
    public List<String> surfaceTexts() {
        return surfaces.stream().sorted().map(ApiSurface::name).toList();
    }

    public List<String> addressTexts() {
        return addresses.stream().map(AddressRange::toString).toList();
    }

    @Override
    public String toString() {
        return "models=" + modelTexts() + " surfaces=" + surfaceTexts() + " addresses=" + addressTexts();
    }
}
