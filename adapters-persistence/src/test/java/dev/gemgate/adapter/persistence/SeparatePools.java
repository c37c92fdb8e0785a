package dev.gemgate.adapter.persistence;

import io.agroal.api.AgroalDataSource;
import io.agroal.api.configuration.supplier.AgroalDataSourceConfigurationSupplier;
import io.agroal.api.exceptionsorter.PostgreSQLExceptionSorter;
import io.agroal.api.security.NamePrincipal;
import io.agroal.api.security.SimplePassword;
import org.eclipse.microprofile.config.ConfigProvider;

import java.sql.SQLException;
import java.time.Duration;

/**
 * Connection pools of their own, apart from the application's datasource, for the store tests: a second pool on the
 * test database plays a second replica; a pool on a dead port plays a database outage.
 */
final class SeparatePools {
    private SeparatePools() {
    }

    /** A second pool on the test database, as another replica would have. */
    static AgroalDataSource onTheTestDatabase(Duration acquisitionTimeout) throws SQLException {
        return pool(configured("quarkus.datasource.jdbc.url"), acquisitionTimeout);
    }

    /** A pool on {@code jdbcUrl} with the test database's credentials (e.g. a port nothing listens on). */
    static AgroalDataSource pool(String jdbcUrl, Duration acquisitionTimeout) throws SQLException {
        return AgroalDataSource.from(new AgroalDataSourceConfigurationSupplier()
                .connectionPoolConfiguration(pool -> pool
                        .maxSize(8)
                        .acquisitionTimeout(acquisitionTimeout)
                        .exceptionSorter(new PostgreSQLExceptionSorter())
                        .connectionFactoryConfiguration(factory -> factory
                                .jdbcUrl(jdbcUrl)
                                .principal(new NamePrincipal(configured("quarkus.datasource.username")))
                                .credential(new SimplePassword(configured("quarkus.datasource.password"))))));
    }

    private static String configured(String property) {
        return ConfigProvider.getConfig().getValue(property, String.class);
    }
}
