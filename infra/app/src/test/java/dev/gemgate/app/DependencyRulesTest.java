package dev.gemgate.app;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/** The hexagon's dependency rules (ARCHITECTURE.md section 1). A violation fails the build. */
class DependencyRulesTest {
    private static JavaClasses gemgate;

    @BeforeAll
    static void importProductionClasses() {
        gemgate = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(location -> !location.contains("-tests.jar"))
                .importPackages("dev.gemgate");
    }

    @Test
    void theDomainDependsOnTheJdkOnly() {
        classes().that().resideInAPackage("dev.gemgate.domain..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("dev.gemgate.domain..", "java..", "javax.crypto..")
                .because("the core is pure Java (the JDK, its crypto included): no framework, JSON library, ORM or SDK type")
                .check(gemgate);
    }

    @Test
    void theApplicationDependsOnTheDomainOnly() {
        classes().that().resideInAPackage("dev.gemgate.application..")
                .should().onlyDependOnClassesThat().resideInAnyPackage(
                        "dev.gemgate.application..", "dev.gemgate.domain..", "java..", "jakarta.inject..")
                .because("use cases orchestrate the domain through ports and know no adapter")
                .check(gemgate);
    }

    @Test
    void adaptersNeverDependOnEachOther() {
        slices().matching("dev.gemgate.adapter.(*)..")
                .should().notDependOnEachOther()
                .because("each adapter talks only to the application and the domain")
                .check(gemgate);
    }

    @Test
    void adaptersAndThePortalNeverReachIntoTheAssemblyOrTheEmulator() {
        noClasses().that().resideInAnyPackage("dev.gemgate.adapter..", "dev.gemgate.adminui..",
                        "dev.gemgate.application..", "dev.gemgate.domain..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.gemgate.app..", "dev.gemgate.emulator..",
                        "dev.gemgate.bench..")
                .check(gemgate);
    }

    @Test
    void thePortalDependsOnNoAdapter() {
        noClasses().that().resideInAPackage("dev.gemgate.adminui..")
                .should().dependOnClassesThat().resideInAPackage("dev.gemgate.adapter..")
                .check(gemgate);
    }

    @Test
    void onlyTheGeminiAdapterSeesTheSdk() {
        noClasses().that().resideOutsideOfPackage("dev.gemgate.adapter.gemini..")
                .should().dependOnClassesThat().resideInAPackage("com.google.genai..")
                .check(gemgate);
    }
}
