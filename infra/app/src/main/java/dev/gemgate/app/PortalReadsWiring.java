package dev.gemgate.app;

import dev.gemgate.application.audit.ExportAuditLog;
import dev.gemgate.application.audit.SearchAuditLog;
import dev.gemgate.application.dashboard.ReadDashboard;
import dev.gemgate.application.status.GatewayInfo;
import dev.gemgate.application.upstream.ReadUpstreamHealth;
import dev.gemgate.domain.audit.AuditSearch;
import dev.gemgate.domain.tenant.TenantRepository;
import dev.gemgate.domain.usage.FleetUsageQuery;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.time.Clock;

/**
 * The read side of the admin portal and the admin API: the dashboard over {@code PostgresFleetUsageQuery} and the
 * audit log's pages and export over {@code PostgresAuditSearch}.
 */
@Singleton
public class PortalReadsWiring {
    @Produces
    @Singleton
    ReadDashboard readDashboard(FleetUsageQuery usage, TenantRepository tenants, ReadUpstreamHealth upstreamHealth,
                                GatewayInfo gateway, Clock clock, DashboardConfig config) {
        return new ReadDashboard(usage, tenants, upstreamHealth, gateway, clock, config.maxAge());
    }

    @Produces
    @Singleton
    SearchAuditLog searchAuditLog(AuditSearch search) {
        return new SearchAuditLog(search);
    }

    @Produces
    @Singleton
    ExportAuditLog exportAuditLog(AuditSearch search) {
        return new ExportAuditLog(search);
    }
}
