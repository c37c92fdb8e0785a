package dev.gemgate.domain.tenant;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A team or application that calls Gemini through Gemgate. {@code name} is its unique handle (unique, regardless of
 * case, among tenants that are not deleted); {@code displayName}, {@code contact} and {@code metadata} (free-form
 * strings, e.g. a cost centre) are descriptive. A deleted tenant is kept (status {@code DELETED}, with
 * {@code deletedAt}) so that its audit trail keeps pointing at something.
 */
public record Tenant(TenantId id, String name, String displayName, Optional<String> contact,
                     Map<String, String> metadata, TenantStatus status, Instant createdAt,
                     Optional<Instant> deletedAt) {
    public static final int MAX_NAME_LENGTH = 120;
    public static final int MAX_DISPLAY_NAME_LENGTH = 200;
    public static final int MAX_CONTACT_LENGTH = 254;
    public static final int MAX_METADATA_ENTRIES = 50;
    public static final int MAX_METADATA_VALUE_LENGTH = 512;
    /** Metadata keys: 1 to 63 letters, digits, '.', '_' or '-', starting with a letter or digit. */
    public static final Pattern METADATA_KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

    public Tenant {
        if (id == null || status == null || createdAt == null || contact == null || metadata == null
                || deletedAt == null) {
            throw new IllegalArgumentException("tenant id, status, creation time, contact, metadata and deletion "
                    + "time are required (contact and deletion time may be empty)");
        }
        if (name == null || name.isBlank() || name.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("a tenant name has 1 to " + MAX_NAME_LENGTH + " characters");
        }
        if (displayName == null || displayName.isBlank() || displayName.length() > MAX_DISPLAY_NAME_LENGTH) {
            throw new IllegalArgumentException("a display name has 1 to " + MAX_DISPLAY_NAME_LENGTH + " characters");
        }
        if (contact.isPresent() && (contact.get().isBlank() || contact.get().length() > MAX_CONTACT_LENGTH)) {
            throw new IllegalArgumentException("a contact has 1 to " + MAX_CONTACT_LENGTH + " characters");
        }
        if (metadata.size() > MAX_METADATA_ENTRIES) {
            throw new IllegalArgumentException("metadata has at most " + MAX_METADATA_ENTRIES + " entries");
        }
        metadata.forEach((k, v) -> {
            if (k == null || !METADATA_KEY.matcher(k).matches()) {
                throw new IllegalArgumentException("metadata key '" + k + "' is not 1 to 63 letters, digits, "
                        + "'.', '_' or '-' starting with a letter or digit");
            }
            if (v == null || v.length() > MAX_METADATA_VALUE_LENGTH) {
                throw new IllegalArgumentException("metadata value of '" + k + "' has 0 to "
                        + MAX_METADATA_VALUE_LENGTH + " characters");
            }
        });
        metadata = Collections.unmodifiableMap(new TreeMap<>(metadata));
        if ((status == TenantStatus.DELETED) != deletedAt.isPresent()) {
            throw new IllegalArgumentException("a tenant has a deletion time exactly when it is deleted");
        }
    }

    /** A tenant with only a name (its display name), no contact and no metadata. */
    public Tenant(TenantId id, String name, TenantStatus status, Instant createdAt) {
        this(id, name, name, Optional.empty(), Map.of(), status, createdAt,
                status == TenantStatus.DELETED ? Optional.of(createdAt) : Optional.empty());
    }

    public boolean isActive() {
        return status == TenantStatus.ACTIVE;
    }

    public boolean isDeleted() {
        return status == TenantStatus.DELETED;
    }

    public Tenant withProfile(String newDisplayName, Optional<String> newContact, Map<String, String> newMetadata) {
        return new Tenant(id, name, newDisplayName, newContact, newMetadata, status, createdAt, deletedAt);
    }

    public Tenant withStatus(TenantStatus newStatus) {
        if (newStatus == TenantStatus.DELETED || isDeleted()) {
            throw new IllegalArgumentException("deletion is final and goes through deletedAt");
        }
        return new Tenant(id, name, displayName, contact, metadata, newStatus, createdAt, deletedAt);
    }

    public Tenant deletedAt(Instant when) {
        return new Tenant(id, name, displayName, contact, metadata, TenantStatus.DELETED, createdAt,
                Optional.of(when));
    }
}
