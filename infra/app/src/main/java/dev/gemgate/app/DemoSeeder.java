package dev.gemgate.app;

import dev.gemgate.application.admin.AdminActor;
import dev.gemgate.application.tenant.CreateTenant;
import dev.gemgate.application.tenant.IssueApiKey;
import dev.gemgate.domain.tenant.KeyScopes;
import dev.gemgate.domain.tenant.Tenant;
import dev.gemgate.domain.tenant.TenantRepository;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.Map;
import java.util.Optional;

/**
 * At the first start of a local run, creates the tenant "demo" with one key and prints the key once on the console
 * (never to the log, which may be shipped elsewhere). Later starts find the tenant and print only its name.
 */
@ApplicationScoped
public class DemoSeeder {
    static final String DEMO_TENANT = "demo";

    private final GemgateConfig config;
    private final TenantRepository tenants;
    private final CreateTenant createTenant;
    private final IssueApiKey issueApiKey;

    public DemoSeeder(GemgateConfig config, TenantRepository tenants, CreateTenant createTenant,
                      IssueApiKey issueApiKey) {
        this.config = config;
        this.tenants = tenants;
        this.createTenant = createTenant;
        this.issueApiKey = issueApiKey;
    }

    void seed(@Observes StartupEvent event) {
        if (!config.seed().demoTenant()) {
            return;
        }
        if (tenants.findByName(DEMO_TENANT).isPresent()) {
            System.out.println("Gemgate: demo tenant present; its key was printed at the first start "
                    + "(delete .gemgate/ to start afresh).");
            return;
        }
        AdminActor seeder = AdminActor.system("demo-seeder");
        Tenant tenant = createTenant.execute(new CreateTenant.Command(DEMO_TENANT, Optional.of("Demo tenant"),
                Optional.empty(), Map.of(), seeder));
        IssueApiKey.Issued issued = issueApiKey.execute(new IssueApiKey.Command(tenant.id(), "seeded demo key",
                Optional.empty(), KeyScopes.UNRESTRICTED, seeder));
        System.out.println("""

                ==============================================================================
                 Gemgate demo tenant created. Its API key, shown this once:

                   %s

                 Try:  curl -s http://localhost:%s/v1beta/models/gemini-2.5-flash:generateContent \\
                         -H 'x-goog-api-key: %s' -H 'Content-Type: application/json' \\
                         -d '{"contents":[{"parts":[{"text":"Hello"}]}]}'
                ==============================================================================
                """.formatted(issued.secret().reveal(), httpPort(), issued.secret().reveal()));
    }

    private static String httpPort() {
        return org.eclipse.microprofile.config.ConfigProvider.getConfig()
                .getOptionalValue("quarkus.http.port", String.class).orElse("8080");
    }
}
