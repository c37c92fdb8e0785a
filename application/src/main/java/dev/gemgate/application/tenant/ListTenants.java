package dev.gemgate.application.tenant;

import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.tenant.TenantPage;
import dev.gemgate.domain.tenant.TenantRepository;
import dev.gemgate.domain.tenant.TenantSearch;

import java.util.Optional;

/** A page of tenants, oldest first, optionally those whose name contains a text (ignoring case). A read: not audited. */
public final class ListTenants {
    public static final int MAX_PAGE_SIZE = TenantSearch.MAX_LIMIT;

    public record Query(Optional<String> nameContains, boolean includeDeleted, int offset, int limit) {
        public Query {
            if (offset < 0) {
                throw InvalidRequestException.forField("offset", "must be 0 or more");
            }
            if (limit < 1 || limit > MAX_PAGE_SIZE) {
                throw InvalidRequestException.forField("limit", "must be 1 to " + MAX_PAGE_SIZE);
            }
            nameContains = nameContains == null ? Optional.empty() : nameContains;
            if (nameContains.isPresent() && nameContains.get().length() > 120) {
                throw InvalidRequestException.forField("name", "a search text has at most 120 characters");
            }
        }
    }

    private final TenantRepository tenants;

    public ListTenants(TenantRepository tenants) {
        this.tenants = tenants;
    }

    public TenantPage execute(Query query) {
        return tenants.search(new TenantSearch(query.nameContains(), query.includeDeleted(), query.offset(),
                query.limit()));
    }
}
