package dev.gemgate.app;

import dev.gemgate.application.request.Admission;
import dev.gemgate.application.usage.ReadOwnUsage;
import dev.gemgate.application.usage.ReadUsage;
import dev.gemgate.domain.tenant.TenantRepository;
import dev.gemgate.domain.usage.UsageQuery;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.time.Clock;

/** Usage reports: the tenant's {@code /gemgate/v1/usage} and the admin API's, both over {@code PostgresUsageQuery}. */
@Singleton
public class UsageWiring {
    @Produces
    @Singleton
    ReadUsage readUsage(UsageQuery usage, TenantRepository tenants, Clock clock) {
        return new ReadUsage(usage, tenants, clock);
    }

    @Produces
    @Singleton
    ReadOwnUsage readOwnUsage(ReadUsage readUsage, Admission admission) {
        return new ReadOwnUsage(readUsage, admission);
    }
}
